// The support ticket emails: ticket number, subject, the agent's reply as escaped plain text with
// its line breaks, the "reply to this email" hint and marker, and five rating links.
import { describe, expect, it } from "vitest";
import { renderEmail } from "../../emails/index.ts";
import { stripQuotedReply } from "../../server/domain/support/quote-strip.ts";

const url = "https://rapport.test/support/42";

describe("ticket emails", () => {
  it("ticket-received names the request number and subject and links to it", async () => {
    const en = await renderEmail("ticket-received", "en", { name: "Ann", ticketNumber: 42, subject: "Broken mug", url });
    expect(en.subject).toBe("[#42] We received your request: Broken mug");
    expect(en.text).toContain("#42");
    expect(en.text).toContain("“Broken mug”");
    expect(en.html).toContain(`href="${url}"`);
    const zh = await renderEmail("ticket-received", "zh-CN", { name: "张三", ticketNumber: 42, subject: "杯子破了", url });
    expect(zh.subject).toBe("[#42] 我们已收到您的请求：杯子破了");
    expect(zh.text).toContain("张三，您好");
  });

  it("ticket-reply shows the agent's reply escaped, keeps its line breaks and says how to answer", async () => {
    const body = "Hello <b>Ann</b> & co,\nline two\n\nline four";
    const r = await renderEmail("ticket-reply", "en", { name: "Ann", ticketNumber: 42, subject: "Broken mug", agentName: "Grace", body, url });
    expect(r.subject).toBe("[#42] Re: Broken mug");
    expect(r.html).not.toContain("<b>Ann</b>");
    expect(r.html).toContain("Hello &lt;b&gt;Ann&lt;/b&gt; &amp; co,");
    expect(r.html).toMatch(/line two[\s\S]*<br\/?>[\s\S]*line four/);
    expect(r.text).toContain("Grace replied to your request");
    expect(r.text).toContain("Reply to this email to answer");
    expect(r.text).toContain(url);
    // The marker heads the quoted mail: a reply quoted without ">" or a header is cut there.
    expect(r.text.indexOf("##- Please type your reply above this line -##")).toBeLessThan(r.text.indexOf("Hi Ann,"));
    const unprefixed = r.text.slice(r.text.indexOf("##-"));
    expect(stripQuotedReply(`Thanks Grace!\n\n${unprefixed}`)).toBe("Thanks Grace!");
    expect(stripQuotedReply(`Thanks Grace!\n\nFrom: Rapport <support@rapport.test>\nSent: Monday\nTo: Ann\nSubject: ${r.subject}\n\n${r.text}`)).toBe("Thanks Grace!");
    const zh = await renderEmail("ticket-reply", "zh-CN", { name: null, ticketNumber: 42, subject: "杯子", agentName: "李娜", body: "已为您退款。", url });
    expect(zh.text).toContain("直接回复此邮件即可作答");
    expect(stripQuotedReply(`好的，谢谢\n${zh.text.slice(zh.text.indexOf("##-"))}`)).toBe("好的，谢谢");
  });

  it("ticket-solved-csat offers five rating links once", async () => {
    const r = await renderEmail("ticket-solved-csat", "en", { name: null, ticketNumber: 42, subject: "Broken mug", url, rateUrl: `${url}/rate` });
    expect(r.subject).toContain("#42");
    for (let n = 1; n <= 5; n++) expect(r.html).toContain(`href="${url}/rate?score=${n}"`);
    expect(r.html).not.toContain("score=6");
    expect(r.html).not.toContain("score=0");
    expect(r.text).toContain("5 – Excellent");
    const zh = await renderEmail("ticket-solved-csat", "zh-CN", { name: null, ticketNumber: 42, subject: "杯子", url, rateUrl: `${url}/rate?lang=zh` });
    expect(zh.html).toContain(`href="${url}/rate?lang=zh&amp;score=3"`);
    expect(zh.text).toContain("非常满意");
  });
});
