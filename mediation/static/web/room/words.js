/* Words and formats of the room page. Every word comes from the page's gettext texts (`T`, the
   JSON of #room-texts); numbers, amounts and dates are formatted for the page's language. */

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (whole, key) {
    return key in values ? values[key] : whole;
  });
}

export function money(amount, currency, language) {
  try {
    return new Intl.NumberFormat(language, { style: "currency", currency: currency || "CNY" }).format(Number(amount));
  } catch (error) {
    return amount + " " + currency;
  }
}

/** A calendar date (YYYY-MM-DD) in words: the day it names, whatever the browser's time zone. */
export function day(isoDate, language) {
  const [year, month, date] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat(language, { dateStyle: "long" }).format(new Date(year, month - 1, date));
}

/** When an event happened: the time alone today, the date with it on other days. */
export function moment(isoMoment, language, now = new Date()) {
  const at = new Date(isoMoment);
  const today = now.toDateString() === at.toDateString();
  const options = today
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(language, options).format(at);
}

export function termsInWords(terms, T, language) {
  const parts = [];
  if (terms.refund_amount) parts.push(fill(T.refund, { amount: money(terms.refund_amount, terms.currency, language) }));
  if (terms.replacement) parts.push(T.replacement);
  if (terms.repair) parts.push(T.repair);
  if (terms.compensation_amount) {
    parts.push(fill(T.compensation, { amount: money(terms.compensation_amount, terms.currency, language) }));
  }
  if (terms.perform_by) parts.push(fill(T.performBy, { date: day(terms.perform_by, language) }));
  if (terms.free_text) parts.push(terms.free_text);
  return parts.join(T.termSeparator);
}

export function channelLabel(channel, myRole, T) {
  if (channel === "main") return T.channelMain;
  if (channel === "mediators") return T.channelMediators;
  const party = channel.split(":")[1];
  if (party === myRole) return T.channelCaucusOwn;
  return party === "consumer" ? T.channelCaucusConsumer : T.channelCaucusMerchant;
}

export function partyLabel(party, T) {
  return party === "consumer" ? T.theConsumer : T.theBusiness;
}

const CHANNEL_ORDER = ["main", "mediators", "caucus:consumer", "caucus:merchant"];

/** The channels a person reads, in the order of their tabs. */
export function inTabOrder(channels) {
  return channels.slice().sort((a, b) => CHANNEL_ORDER.indexOf(a) - CHANNEL_ORDER.indexOf(b));
}
