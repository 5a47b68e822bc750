import { createHash } from 'node:crypto'
import type { ShipmentStatus, TrackingStatus } from '../shipping/index.js'
import type { ReturnStatus } from '../returns/index.js'
import { escapeHtml } from '../notifications/index.js'
import { dayName, type Milestone, type NextStep } from './customer-timeline.js'

/**
 * The customer's order page as HTML: no framework and no script. Every value goes through
 * `html```, which escapes it; only fragments built by `html``` itself are inserted as they are.
 */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value
  }
}

const fragment = (v: unknown): string =>
  v instanceof Html ? v.value : Array.isArray(v) ? v.map(fragment).join('') : v === null || v === undefined || v === false ? '' : escapeHtml(String(v))

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]
  values.forEach((v, i) => (out += fragment(v) + strings[i + 1]))
  return new Html(out)
}

// ---- what the service hands over ----------------------------------------------------------------

export interface PageShipment {
  carrier: string
  trackingNumber: string
  status: ShipmentStatus
  expected: string | null
  deliveredAt: string | null
  events: { at: string; status: TrackingStatus; location: string | null }[]
}

export interface PageReturn {
  number: string
  status: ReturnStatus
  items: string
  /** Waiting for a person to look at it. */
  inReview: boolean
  labelUrl: string | null
  sendTo: string | null
}

export interface ReturnForm {
  lines: { id: string; name: string; returnable: number }[]
  reasons: { code: string; label: string }[]
  resolutions: string[]
  /** The customer pays return postage: a label is on request, its cost kept from the refund. */
  offerLabel: boolean
  /** Idempotency key of this form, so a double submit records one return. */
  key: string
}

export interface StatusPage {
  shop: string
  /** Base path of this page's links and forms: `/o/<token>`. */
  base: string
  order: {
    number: string
    placedAt: string
    lines: { name: string; sku: string; quantity: number; total: string }[]
    total: string
    shipTo: string
  }
  next: NextStep
  timeline: Milestone[]
  shipments: PageShipment[]
  feedback:
    | { state: 'not_yet' }
    | { state: 'open'; given: { rating: number; comment: string | null } | null; editableUntil: string | null }
    | { state: 'closed'; given: { rating: number; comment: string | null } }
  returns: { list: PageReturn[]; form: ReturnForm | null }
  /** The answer to what the customer just did. */
  notice?: { kind: 'ok' | 'error'; section: 'feedback' | 'returns'; title: string; lines?: string[]; link?: { href: string; text: string } }
  /** What the customer typed, when a form comes back with an error. */
  entered?: { rating?: string; comment?: string; returns?: Record<string, string> }
}

// ---- words ----------------------------------------------------------------------------------------

const SHIPMENT_WORDS: Record<ShipmentStatus, string> = {
  label_created: 'Ready to ship',
  awaiting_pickup: 'Waiting for the carrier',
  in_transit: 'On its way',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Delayed',
  returned_to_sender: 'Coming back to us',
  cancelled: 'Cancelled',
}

const TRACKING_WORDS: Record<TrackingStatus, string> = {
  awaiting_pickup: 'Waiting for the carrier',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Delivery problem',
  returned_to_sender: 'Returning to sender',
}

const RETURN_WORDS: Record<ReturnStatus, string> = {
  requested: 'Waiting for review',
  authorized: 'Accepted',
  pickup_scheduled: 'Pickup booked',
  in_transit: 'On its way back',
  received: 'Arrived at our warehouse',
  inspected: 'Checked',
  resolved: 'Completed',
  rejected: 'Declined',
  cancelled: 'Cancelled',
}

const RESOLUTION_WORDS: Record<string, string> = { refund: 'A refund', replacement: 'A replacement', store_credit: 'Store credit', exchange: 'An exchange' }
const RATING_WORDS = ['', 'Poor', 'Fair', 'Good', 'Very good', 'Excellent']

const dateTime = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC'
const date = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso))
const when = (iso: string) => html`<time datetime="${iso}">${dateTime(iso)}</time>`

// ---- the page ---------------------------------------------------------------------------------------

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem}
header p{margin:0;color:#4a5160}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:0 0 .6rem}
h3{font-size:1rem;margin:0}
section{background:#fff;border:1px solid #dde0e6;border-radius:.6rem;padding:1rem;margin:1rem 0}
.next{border-left:.35rem solid #1f6feb}
.next p{margin:.2rem 0}
.lead{font-size:1.1rem;font-weight:600}
ol.steps,ol.scans{list-style:none;margin:0;padding:0}
ol.steps li,ol.scans li{padding:.45rem 0 .45rem 1.1rem;border-left:2px solid #c9ced8;position:relative}
ol.steps li::before,ol.scans li::before{content:"";position:absolute;left:-.4rem;top:.85rem;width:.7rem;height:.7rem;border-radius:50%;background:#1f6feb}
.muted,time{color:#4a5160;font-size:.9rem}
.step-title{display:block;font-weight:600}
.parcel+.parcel{margin-top:1rem;padding-top:1rem;border-top:1px solid #dde0e6}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;background:#e7eefc;color:#123a7a;font-size:.85rem;font-weight:600}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.4rem .25rem;border-bottom:1px solid #eceef2;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
select,textarea{font:inherit;width:100%;padding:.5rem;border:1px solid #8a91a0;border-radius:.4rem;background:#fff}
textarea{min-height:6rem}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;margin:.6rem 0 .3rem}
.stars{display:flex;flex-wrap:wrap;gap:.4rem}
.stars label{margin:0;font-weight:400;border:1px solid #8a91a0;border-radius:.4rem;padding:.4rem .7rem;cursor:pointer}
.stars input{margin-right:.3rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.35rem}
button{font:inherit;font-weight:600;margin-top:1rem;padding:.65rem 1.2rem;border:0;border-radius:.4rem;background:#1f6feb;color:#fff;cursor:pointer;min-height:2.75rem}
button:hover{background:#1758c4}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.notice{border-radius:.4rem;padding:.6rem .8rem;margin:0 0 .8rem}
.notice.ok{background:#e6f4ea;border:1px solid #8cc59a}
.notice.error{background:#fdecea;border:1px solid #e39b93}
.notice p,.notice ul{margin:.2rem 0}
a{color:#0b57d0}
.return-line{border:1px solid #eceef2;border-radius:.4rem;padding:.2rem .8rem .8rem;margin:.6rem 0}
footer{color:#4a5160;font-size:.85rem;text-align:center;padding:1rem 0 2rem}
@media (min-width:40rem){main{padding:2rem 1rem}.pair{display:grid;grid-template-columns:1fr 2fr;gap:.8rem}}
`

/** Content-Security-Policy of every self-service page: nothing but this one stylesheet, forms to this origin. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`

function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value
}

function noticeOf(p: StatusPage, section: 'feedback' | 'returns'): Html | null {
  const n = p.notice
  if (!n || n.section !== section) return null
  return html`<div class="notice ${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}">
<p><strong>${n.title}</strong></p>
${n.lines && n.lines.length > 1 ? html`<ul>${n.lines.map((l) => html`<li>${l}</li>`)}</ul>` : n.lines?.length ? html`<p>${n.lines[0]}</p>` : null}
${n.link ? html`<p><a href="${n.link.href}">${n.link.text}</a></p>` : null}
</div>`
}

function shipmentsSection(p: StatusPage): Html | null {
  if (!p.shipments.length) return null
  const many = p.shipments.length > 1
  return html`<section aria-labelledby="parcels">
<h2 id="parcels">${many ? `Your parcels (${p.shipments.length})` : 'Your parcel'}</h2>
${p.shipments.map(
  (s, i) => html`<article class="parcel" aria-label="Parcel ${s.trackingNumber}">
<h3>${many ? `Parcel ${i + 1}: ` : ''}${s.carrier}</h3>
<p>Tracking number <strong>${s.trackingNumber}</strong> · <span class="badge" data-status="${s.status}">${SHIPMENT_WORDS[s.status]}</span></p>
${s.deliveredAt ? html`<p class="muted">Delivered ${when(s.deliveredAt)}</p>` : s.expected ? html`<p class="muted">Expected ${dayName(s.expected)}</p>` : null}
${
  s.events.length
    ? html`<ol class="scans" aria-label="Tracking events">${[...s.events].reverse().map(
        (e) => html`<li><span class="step-title">${TRACKING_WORDS[e.status]}${e.location ? ` · ${e.location}` : ''}</span>${when(e.at)}</li>`,
      )}</ol>`
    : html`<p class="muted">No scans from the carrier yet.</p>`
}
</article>`,
)}
</section>`
}

function feedbackSection(p: StatusPage): Html | null {
  const f = p.feedback
  if (f.state === 'not_yet') {
    const notice = noticeOf(p, 'feedback')
    return notice && html`<section id="feedback" aria-labelledby="feedback-title"><h2 id="feedback-title">Feedback</h2>${notice}</section>`
  }
  const body =
    f.state === 'closed'
      ? html`<p>You rated this order <strong>${f.given.rating} of 5</strong> (${RATING_WORDS[f.given.rating]}).</p>${f.given.comment ? html`<blockquote>${f.given.comment}</blockquote>` : null}`
      : feedbackForm(p, f)
  return html`<section id="feedback" aria-labelledby="feedback-title">
<h2 id="feedback-title">${f.given ? 'Your feedback' : 'How did we do?'}</h2>
${noticeOf(p, 'feedback')}
${body}
</section>`
}

function feedbackForm(p: StatusPage, f: Extract<StatusPage['feedback'], { state: 'open' }>): Html {
  const rating = p.entered?.rating ?? (f.given ? String(f.given.rating) : '')
  const comment = p.entered?.comment ?? f.given?.comment ?? ''
  return html`<form method="post" action="${p.base}/feedback">
<fieldset>
<legend>Your rating</legend>
<div class="stars">
${[1, 2, 3, 4, 5].map(
  (n) => html`<label><input type="radio" name="rating" value="${n}" required${rating === String(n) ? new Html(' checked') : ''}>${n} – ${RATING_WORDS[n]}</label>`,
)}
</div>
</fieldset>
<label for="comment">Comment <span class="muted">(optional, up to 2,000 characters)</span></label>
<textarea id="comment" name="comment" maxlength="2000">${comment}</textarea>
${f.given && f.editableUntil ? html`<p class="muted">You can change your feedback until ${date(f.editableUntil)}.</p>` : null}
<button type="submit">${f.given ? 'Update feedback' : 'Send feedback'}</button>
</form>`
}

function returnsSection(p: StatusPage): Html | null {
  const { list, form } = p.returns
  if (!list.length && !form && p.notice?.section !== 'returns') return null
  return html`<section id="returns" aria-labelledby="returns-title">
<h2 id="returns-title">Returns</h2>
${noticeOf(p, 'returns')}
${list.map(
  (r) => html`<article class="return" aria-label="Return ${r.number}">
<h3>${r.number} <span class="badge" data-status="${r.status}">${RETURN_WORDS[r.status]}</span></h3>
<p>${r.items}</p>
${r.inReview ? html`<p class="muted">We will look at your request and e-mail you.</p>` : null}
${r.labelUrl ? html`<p><a href="${r.labelUrl}">Print your return label (PDF)</a></p>` : null}
${r.sendTo && !r.labelUrl ? html`<p class="muted">Send the items to: ${r.sendTo}</p>` : null}
</article>`,
)}
${form ? returnForm(p, form) : null}
</section>`
}

function returnForm(p: StatusPage, form: ReturnForm): Html {
  const entered = p.entered?.returns ?? {}
  const options = (values: { value: string; text: string }[], selected: string | undefined) =>
    values.map((o) => html`<option value="${o.value}"${o.value === selected ? new Html(' selected') : ''}>${o.text}</option>`)
  return html`<form method="post" action="${p.base}/returns">
<h3>Return items</h3>
<p class="muted">Choose how many of each item you are sending back, and why.</p>
<input type="hidden" name="key" value="${form.key}">
${form.lines.map(
  (l) => html`<div class="return-line pair">
<div><label for="qty-${l.id}">Units of ${l.name} to return</label>
<select id="qty-${l.id}" name="qty:${l.id}">${options(
    Array.from({ length: l.returnable + 1 }, (_, n) => ({ value: String(n), text: String(n) })),
    entered[`qty:${l.id}`] ?? '0',
  )}</select></div>
<div><label for="reason-${l.id}">Reason for ${l.name}</label>
<select id="reason-${l.id}" name="reason:${l.id}">${options(
    [{ value: '', text: 'Choose a reason' }, ...form.reasons.map((r) => ({ value: r.code, text: r.label }))],
    entered[`reason:${l.id}`] ?? '',
  )}</select></div>
</div>`,
)}
${
  form.resolutions.length > 1
    ? html`<label for="resolution">What would you like?</label>
<select id="resolution" name="resolution">${options(
        form.resolutions.map((r) => ({ value: r, text: RESOLUTION_WORDS[r] ?? r })),
        entered.resolution,
      )}</select>`
    : null
}
<label for="return-comment">Anything we should know? <span class="muted">(optional)</span></label>
<textarea id="return-comment" name="comment" maxlength="2000">${entered.comment ?? ''}</textarea>
${
  form.offerLabel
    ? html`<label class="check"><input type="checkbox" name="label" value="1"${entered.label ? new Html(' checked') : ''}>Send me a return label (its postage is taken off my refund)</label>`
    : null
}
<button type="submit">Request return</button>
</form>`
}

export function renderStatusPage(p: StatusPage): string {
  return layout(
    `Order ${p.order.number} – ${p.shop}`,
    html`<header>
<p>${p.shop}</p>
<h1>Order ${p.order.number}</h1>
<p>Placed on ${date(p.order.placedAt)} · delivering to ${p.order.shipTo}</p>
</header>
<section class="next" aria-labelledby="next-title">
<h2 id="next-title">What comes next</h2>
<p class="lead">${p.next.title}</p>
${p.next.detail ? html`<p>${p.next.detail}</p>` : null}
</section>
<section aria-labelledby="progress">
<h2 id="progress">Progress</h2>
<ol class="steps" aria-label="Timeline">
${p.timeline.map((m) => html`<li><span class="step-title">${m.title}</span>${m.detail ? html`<span class="muted">${m.detail}</span><br>` : null}${when(m.at)}</li>`)}
</ol>
</section>
${shipmentsSection(p)}
<section aria-labelledby="items">
<h2 id="items">Items</h2>
<table aria-labelledby="items">
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Price</th></tr></thead>
<tbody>
${p.order.lines.map((l) => html`<tr><td>${l.name}<br><span class="muted">${l.sku}</span></td><td class="num">${l.quantity}</td><td class="num">${l.total}</td></tr>`)}
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num"><strong>${p.order.total}</strong></td></tr></tfoot>
</table>
</section>
${feedbackSection(p)}
${returnsSection(p)}
<footer>Keep this link to yourself: anyone who has it can see this order.</footer>`,
  )
}

/** The answer to a wrong, changed or expired link: friendly, and says nothing about why. */
export function renderNotFound(): string {
  return layout(
    'Link not valid',
    html`<section>
<h1>This link does not work</h1>
<p>It may have expired, or part of it may be missing. Open the link in your latest e-mail from us again, or contact us and we will send you a new one.</p>
</section>`,
  )
}

/** Anything else that went wrong, said plainly. */
export function renderTrouble(title: string, text: string): string {
  return layout(title, html`<section><h1>${title}</h1><p>${text}</p></section>`)
}

/** A form sent from another site: refused without doing anything. */
export function renderForbidden(): string {
  return layout(
    'Not allowed',
    html`<section>
<h1>We could not accept this form</h1>
<p>It was not sent from our order page. Open the link in your e-mail and try again there.</p>
</section>`,
  )
}
