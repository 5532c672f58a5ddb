/* Read-aloud (适老化): the header's button reads the page's main text with the browser's own speech
   synthesis, in the page's language; pressed again, it stops. Hidden where the browser has none. */
(function () {
  "use strict";
  const button = document.getElementById("read-aloud");
  if (!button || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return;
  const main = document.getElementById("main");
  const language = document.documentElement.lang === "en" ? "en-GB" : "zh-CN";
  button.hidden = false;

  function showReading(reading) {
    button.setAttribute("aria-pressed", reading ? "true" : "false");
    button.textContent = reading ? button.dataset.textStop : button.dataset.textStart;
  }

  // What a sighted reader reads: the main content without its scripts' data and hidden parts.
  function mainText() {
    const copy = main.cloneNode(true);
    copy.querySelectorAll("script, template, [hidden], .visually-hidden, form").forEach((node) => node.remove());
    return copy.innerText.replace(/\s+/g, " ").trim();
  }

  button.addEventListener("click", function () {
    if (speechSynthesis.speaking) {
      speechSynthesis.cancel();
      showReading(false);
      return;
    }
    const utterance = new SpeechSynthesisUtterance(mainText());
    utterance.lang = language;
    utterance.addEventListener("end", () => showReading(false));
    utterance.addEventListener("error", () => showReading(false));
    speechSynthesis.speak(utterance);
    showReading(true);
  });
})();
