// The hostile-input XSS payloads of the hardening suite (issue #13), used by
// test/hardening/xss.test.ts. Each payload is a template over a numeric id: if the payload ever
// runs, it calls `__xss(id)` (a function the test exposes in the browser) or opens a dialog whose
// message is the id (`alert(id)`, `confirm(id)`, `prompt(id)`), so the test knows which payload,
// in which field, got through (payloads whose code is base64-encoded also show `xss(id)` as text,
// so the test can see they were rendered). The list follows the usual cheat sheets (OWASP XSS filter evasion,
// PortSwigger's XSS cheat sheet, well-known sanitiser bypasses): script tags, event handlers,
// javascript:/data: URLs, attribute and element breakouts, Markdown links and images, CSS, template
// injection, mutation XSS and encoded variants. Kept short (most under 80 characters) so they fit
// the app's length limits; none contains a line break unless it is a Markdown construct that needs one.

const b64 = (s: string) => Buffer.from(s).toString("base64");

export interface XssPayload {
  /** 1–99, unique: the payload's part of the id. */
  n: number;
  kind: string;
  make: (id: number) => string;
}

const list: Array<[kind: string, make: (id: number) => string]> = [
  // --- script elements
  ["script tag", (id) => `<script>__xss(${id})</script>`],
  ["script tag, upper case", (id) => `<SCRIPT>__xss(${id})</SCRIPT>`],
  ["script with data: src", (id) => `<script src="data:text/javascript,__xss(${id})"></script>`],
  ["nested script (filter evasion)", (id) => `<scr<script>ipt>__xss(${id})</scr</script>ipt>`],
  ["script in svg", (id) => `<svg><script>__xss(${id})</script></svg>`],
  ["closing an inline script", (id) => `</script><script>__xss(${id})</script>`],
  ["closing title", (id) => `</title><script>__xss(${id})</script>`],
  ["closing textarea", (id) => `</textarea><script>__xss(${id})</script>`],
  ["closing style", (id) => `</style><script>__xss(${id})</script>`],
  ["script + alert", (id) => `<script>alert(${id})</script>`],
  // --- event handlers
  ["img onerror", (id) => `<img src=x onerror=__xss(${id})>`],
  ["img onerror, quoted", (id) => `<img src="x" onerror="__xss(${id})">`],
  ["img onerror alert", (id) => `<img src=x onerror=alert(${id})>`],
  ["img onerror eval(src)", (id) => `<img src=x:alert(${id}) onerror=eval(src)>`],
  ["img onerror, entity-encoded handler", (id) => `<img src=x onerror=&#95;&#95;xss(${id})>`],
  ["img onerror, unicode-escaped JS", (id) => `<img src=x onerror="\\u005f_xss(${id})">`],
  ["img, unclosed tag", (id) => `<img src=x onerror=__xss(${id}) `],
  ["img srcset onerror", (id) => `<img srcset=",,," onerror=__xss(${id})>`],
  ["svg onload", (id) => `<svg onload=__xss(${id})>`],
  ["svg/onload prompt", (id) => `<svg/onload=prompt(${id})>`],
  ["svg animate onbegin", (id) => `<svg><animate onbegin=__xss(${id}) attributeName=x dur=1s>`],
  ["body onload", (id) => `<body onload=__xss(${id})>`],
  ["details ontoggle", (id) => `<details open ontoggle=__xss(${id})>`],
  ["input autofocus onfocus", (id) => `<input autofocus onfocus=__xss(${id})>`],
  ["video source onerror", (id) => `<video><source onerror=__xss(${id})></video>`],
  ["audio onerror", (id) => `<audio src=x onerror=__xss(${id})>`],
  ["marquee onstart", (id) => `<marquee onstart=__xss(${id})>x</marquee>`],
  ["style onload", (id) => `<style onload=__xss(${id})></style>`],
  ["isindex onerror", (id) => `<isindex type=image src=1 onerror=__xss(${id})>`],
  ["full-page onmouseover div", (id) => `<div onmouseover=__xss(${id}) style="position:fixed;inset:0">x</div>`],
  // --- attribute breakouts
  ['"> breakout', (id) => `"><img src=x onerror=__xss(${id})>`],
  ["'> breakout", (id) => `'><img src=x onerror=__xss(${id})>`],
  ['" autofocus onfocus', (id) => `" autofocus onfocus="__xss(${id})`],
  ["' autofocus onfocus", (id) => `' autofocus onfocus='__xss(${id})`],
  ["unquoted attribute breakout", (id) => `x onmouseover=__xss(${id}) x=`],
  ["JS string breakout (double)", (id) => `";__xss(${id});//`],
  ["JS string breakout (single)", (id) => `';__xss(${id});//`],
  ["template literal", (id) => `\${__xss(${id})}\``],
  ["comment breakout", (id) => `<!--<img src="--><img src=x onerror=__xss(${id})//">`],
  ["CDATA", (id) => `<![CDATA[<script>__xss(${id})</script>]]>`],
  // --- URLs
  ["javascript: URL", (id) => `javascript:__xss(${id})`],
  ["javascript: URL, mixed case", (id) => `JaVaScRiPt:__xss(${id})`],
  ["a href javascript:", (id) => `<a href="javascript:__xss(${id})">click</a>`],
  ["a href hex-entity javascript:", (id) => `<a href="&#x6A;avascript:__xss(${id})">click</a>`],
  ["a href data:text/html", (id) => `<a href="data:text/html;base64,${b64(`<script>__xss(${id})</script>`)}">xss(${id})</a>`],
  ["img src javascript:", (id) => `<IMG SRC=JaVaScRiPt:__xss(${id})>`],
  ["iframe javascript:", (id) => `<iframe src="javascript:__xss(${id})"></iframe>`],
  ["iframe srcdoc", (id) => `<iframe srcdoc="<script>parent.__xss(${id})</script>"></iframe>`],
  ["object data javascript:", (id) => `<object data="javascript:__xss(${id})"></object>`],
  ["embed src javascript:", (id) => `<embed src="javascript:__xss(${id})">`],
  ["form action javascript:", (id) => `<form action="javascript:__xss(${id})"><button>go</button></form>`],
  ["button formaction", (id) => `<form><button formaction="javascript:__xss(${id})">x</button></form>`],
  ["svg xlink:href", (id) => `<svg><a xlink:href="javascript:__xss(${id})"><text y=20>x</text></a></svg>`],
  ["base href", (id) => `<base href="javascript:__xss(${id})//">`],
  ["meta refresh", (id) => `<meta http-equiv="refresh" content="0;url=javascript:__xss(${id})">`],
  ["link import", (id) => `<link rel=import href="data:text/html,<script>__xss(${id})</script>">`],
  // --- Markdown
  ["Markdown link javascript:", (id) => `[click](javascript:__xss(${id}))`],
  ["Markdown image javascript:", (id) => `![img](javascript:__xss(${id}))`],
  ["Markdown link entity javascript:", (id) => `[click](&#106;avascript:__xss(${id}))`],
  ["Markdown link data:", (id) => `[xss(${id})](data:text/html;base64,${b64(`<script>__xss(${id})</script>`)})`],
  ["Markdown autolink javascript:", (id) => `<javascript:__xss(${id})>`],
  ["Markdown reference link", (id) => `[a][r${id}]\n\n[r${id}]: javascript:__xss(${id})`],
  ["Markdown image title breakout", (id) => `![a](https://x.test/a.png "x\\" onerror=\\"__xss(${id})")`],
  ["Markdown image over plain http (remote resource)", (id) => `![xss(${id})](http://evil.test/xss-${id}.png)`],
  ["Markdown HTML block", (id) => `<div>\n<img src=x onerror=__xss(${id})>\n</div>`],
  // --- CSS
  ["style @import javascript:", (id) => `<style>@import 'javascript:__xss(${id})';</style>`],
  ["style url(javascript:)", (id) => `<div style="background:url(javascript:__xss(${id}))">x</div>`],
  ["CSS expression()", (id) => `<div style="width:expression(__xss(${id}))">x</div>`],
  // --- template injection
  ["Angular-style template", (id) => `{{constructor.constructor('__xss(${id})')()}}`],
  ["placeholder then markup", (id) => `{{name}}<img src=x onerror=__xss(${id})>`],
  ["server template", (id) => `<%= __xss(${id}) %>#{__xss(${id})}`],
  // --- mutation XSS and parser differentials
  ["mXSS math/style", (id) => `<math><mtext><table><mglyph><style><img src=x onerror=__xss(${id})>`],
  ["mXSS noscript title", (id) => `<noscript><p title="</noscript><img src=x onerror=__xss(${id})>">`],
  ["mXSS svg/style", (id) => `<svg></p><style><a id="</style><img src=1 onerror=__xss(${id})>">`],
  ["template element", (id) => `<template><img src=x onerror=__xss(${id})></template>`],
  // --- encodings
  ["URL-encoded script", (id) => `%3Cscript%3E__xss(${id})%3C%2Fscript%3E`],
  ["entity-encoded script", (id) => `&lt;script&gt;__xss(${id})&lt;/script&gt;`],
  ["full-width brackets", (id) => `＜script＞__xss(${id})＜/script＞`],
  ["slash-separated attributes", (id) => `<img/src=x/onerror=__xss(${id})>`],
  ["confirm in svg", (id) => `<svg><set onbegin=confirm(${id}) attributeName=x to=1>`],
];

export const XSS_PAYLOADS: XssPayload[] = list.map(([kind, make], i) => ({ n: i + 1, kind, make }));

/** The id a payload carries when put into field number `field` (1–99): field * 100 + payload number. */
export function payloadId(field: number, p: XssPayload) {
  return field * 100 + p.n;
}
