// Emailed replies keep only what the customer wrote: realistic replies from Gmail, Outlook, Apple
// Mail, QQ Mail / Foxmail and NetEase in English and Chinese.
import { describe, expect, it } from "vitest";
import { stripQuotedReply } from "../../server/domain/support/quote-strip.ts";

const lines = (...l: string[]) => l.join("\r\n");

describe("stripQuotedReply", () => {
  it("keeps a message without any quote (trimmed)", () => {
    expect(stripQuotedReply("\n  Hello, my parcel never came.\n\nThanks  \n")).toBe("Hello, my parcel never came.\n\nThanks");
  });

  it("cuts Gmail's 'On … wrote:' and the > quoted history", () => {
    const text = lines(
      "Thanks, that worked!",
      "",
      "On Mon, 23 Nov 2026 at 10:02, Rapport Support <support+abc@rapport.test> wrote:",
      "> Hi Ann,",
      ">",
      "> Please try restarting the app.",
    );
    expect(stripQuotedReply(text)).toBe("Thanks, that worked!");
  });

  it("cuts an HTML-only Gmail reply as mailparser turns it into text", () => {
    const text = "Thanks, that fixed it!\n\nAnn\n\nOn Mon, 23 Nov 2026 at 10:02, Rapport Support <support+abc@rapport.test> wrote:\n\n\n> Please restart the app.\n> Grace";
    expect(stripQuotedReply(text)).toBe("Thanks, that fixed it!\n\nAnn");
  });

  it("cuts a Gmail header wrapped over two lines", () => {
    const text = lines("Still broken, sorry.", "", "On Mon, Nov 23, 2026 at 10:02 AM Rapport Support <", "support+abc@rapport.test> wrote:", "", "> Please try again.");
    expect(stripQuotedReply(text)).toBe("Still broken, sorry.");
  });

  it("cuts Outlook's -----Original Message----- block", () => {
    const text = lines(
      "Order R-1001 arrived damaged; photo attached.",
      "",
      "-----Original Message-----",
      "From: Rapport Support <support@rapport.test>",
      "Sent: Monday, November 23, 2026 10:02 AM",
      "To: Ann Lee <ann@example.com>",
      "Subject: [#42] Re: Broken mug",
      "",
      "Could you send a photo?",
    );
    expect(stripQuotedReply(text)).toBe("Order R-1001 arrived damaged; photo attached.");
  });

  it("cuts Outlook's From:/Sent: header block after a rule", () => {
    const text = lines(
      "Yes please, refund it.",
      "",
      "________________________________",
      "From: Rapport Support <support@rapport.test>",
      "Sent: 23 November 2026 10:02",
      "To: Ann Lee",
      "Subject: Re: Broken mug",
      "",
      "Would you like a refund or a replacement?",
    );
    expect(stripQuotedReply(text)).toBe("Yes please, refund it.");
    // The same block without the rule line
    const bare = lines("Replacement please.", "", "From: Rapport Support <support@rapport.test>", "Sent: Monday, November 23, 2026 10:02 AM", "To: Ann Lee", "Subject: Re: Broken mug", "", "Refund or replacement?");
    expect(stripQuotedReply(bare)).toBe("Replacement please.");
  });

  it("keeps a line that merely starts with 'From:' in the customer's own text", () => {
    expect(stripQuotedReply("From: my office I can't log in.\nCan you help?")).toBe("From: my office I can't log in.\nCan you help?");
  });

  it("drops the signature after '-- ' and 'Sent from my iPhone'", () => {
    expect(stripQuotedReply(lines("See you then.", "", "-- ", "Ann Lee", "Head of Mugs, Example Ltd", "+44 20 7946 0000"))).toBe("See you then.");
    expect(stripQuotedReply(lines("OK!", "", "Sent from my iPhone", "", "> On 23 Nov 2026, at 10:02, Rapport wrote:"))).toBe("OK!");
  });

  it("cuts at our own 'reply above this line' marker", () => {
    const text = lines("Great, thank you.", "", "##- Please type your reply above this line -##", "", "Hi Ann,", "Grace replied to your request");
    expect(stripQuotedReply(text)).toBe("Great, thank you.");
    expect(stripQuotedReply(lines("好的，谢谢。", "##- 请在此行上方输入您的回复 -##", "张三，您好："))).toBe("好的，谢谢。");
  });

  it("cuts Chinese Gmail / Apple Mail headers: 在 … 写道：", () => {
    const text = lines("快递还没有到，麻烦再查一下。", "", "在 2026年11月23日 星期一 10:02，Rapport 客服 <support+abc@rapport.test> 写道：", "> 您好，", "> 您的包裹已发出。");
    expect(stripQuotedReply(text)).toBe("快递还没有到，麻烦再查一下。");
  });

  it("cuts Chinese '… 于 … 写道：' headers (Gmail zh)", () => {
    const text = lines("已收到退款，谢谢！", "", "Rapport 客服 <support@rapport.test> 于2026年11月23日周一 10:02写道：", "", "> 退款已处理。");
    expect(stripQuotedReply(text)).toBe("已收到退款，谢谢！");
  });

  it("cuts QQ Mail / Foxmail 原始邮件 blocks and 发件人/发送时间 headers", () => {
    const qq = lines(
      "我想换一个颜色。",
      "",
      "------------------ 原始邮件 ------------------",
      "发件人: \"Rapport 客服\"<support@rapport.test>;",
      "发送时间: 2026年11月23日(星期一) 上午10:02",
      "收件人: \"张三\"<zhang@example.com>;",
      "主题: [#42] 回复：换货",
      "",
      "请问您想要哪个颜色？",
    );
    expect(stripQuotedReply(qq)).toBe("我想换一个颜色。");
    const outlookZh = lines("请帮我取消订单。", "", "发件人: Rapport 客服 <support@rapport.test>", "发送时间: 2026年11月23日 10:02", "收件人: 张三", "主题: 回复: 取消订单", "", "已收到您的请求。");
    expect(stripQuotedReply(outlookZh)).toBe("请帮我取消订单。");
  });

  it("drops a Chinese mobile footer (发自我的iPhone)", () => {
    expect(stripQuotedReply(lines("收到，谢谢", "", "发自我的iPhone", "", "------------------ 原始邮件 ------------------"))).toBe("收到，谢谢");
  });

  it("drops inline > lines between the customer's answers", () => {
    const text = lines("> Which order is it?", "R-1001", "> And the colour?", "Blue", "", "-- ", "Ann");
    expect(stripQuotedReply(text)).toBe("R-1001\nBlue");
  });

  it("takes a bottom-posted reply below the quote", () => {
    const text = lines("On Mon, 23 Nov 2026 at 10:02, Rapport Support <support@rapport.test> wrote:", "> Could you send the order number?", "", "It is R-1001.", "", "-- ", "Ann");
    expect(stripQuotedReply(text)).toBe("It is R-1001.");
  });

  it("returns an empty string when nothing new was written", () => {
    expect(stripQuotedReply(lines("On Mon, 23 Nov 2026 at 10:02, Rapport wrote:", "> Hello"))).toBe("");
    expect(stripQuotedReply("   \n")).toBe("");
  });

  it("does not cut a sentence that only mentions 'wrote'", () => {
    expect(stripQuotedReply("On Monday I wrote to you about my order, no answer yet.")).toBe("On Monday I wrote to you about my order, no answer yet.");
  });
});
