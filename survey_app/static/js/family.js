/* Family pages: small enhancements only. Every page works without this file.
   One file for all three, so a question page stays at HTML + CSS + one script. */
(function () {
  "use strict";
  var doc = document;

  /* Quick exit (the GOV.UK "exit a page quickly" pattern): blank the page at once, then go
     through the server (it forgets the visit) to the neutral site, replacing this page in
     the history so Back does not bring it back. Escape three times too. */
  var exit = doc.getElementById("quick-exit");
  if (exit) {
    var leave = function () {
      doc.body.hidden = true;
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", function (event) { event.preventDefault(); leave(); });
    var presses = 0;
    var reset = null;
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      presses += 1;
      window.clearTimeout(reset);
      if (presses >= 3) { leave(); return; }
      reset = window.setTimeout(function () { presses = 0; }, 2000);
    });
  }

  /* The page's own address in the address bar and the history: after a link it drops the
     token; after a page's POST that was answered with the next page, refresh and Back ask
     for that page with a GET and never post again. */
  var here = doc.body.getAttribute("data-url");
  if (here && window.history && history.replaceState && location.pathname !== here) {
    history.replaceState(null, "", here);
  }

  /* Tell the server a browser showed the start page (its "opened"; link scanners run no
     script), once, without waiting for it. */
  var seen = doc.querySelector("form[data-seen]");
  if (seen && navigator.sendBeacon) {
    var data = new FormData();
    var token = seen.querySelector("input[name=csrf_token]");
    if (token) { data.append("csrf_token", token.value); }
    navigator.sendBeacon(seen.getAttribute("data-seen"), data);
  }

  /* No double submit: a second tap while the first is on its way does nothing. The buttons
     are disabled only after the browser has taken the pressed button's value. Each form also
     says the script is here ("js"): the server may then answer with the next page itself. */
  var forms = doc.querySelectorAll("form[method=post]");
  Array.prototype.forEach.call(forms, function (form) {
    var flag = doc.createElement("input");
    flag.type = "hidden";
    flag.name = "js";
    flag.value = "1";
    form.appendChild(flag);
  });
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(forms, function (form) {
      form.removeAttribute("data-sent");
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
        button.disabled = false;
      });
    });
  });

  /* An error summary takes the focus, so a screen reader starts with what to correct. */
  var summary = doc.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  /* Read aloud ("Lyssna") with a voice that lives on the phone: the text never leaves it.
     Only voices with localService === true are used, and the one chosen is set on the
     utterance, so the browser cannot fall back to a network voice (Chrome's "Google" voices
     send the text away). No such voice for the page's language: the button stays hidden.
     Voices may arrive later (voiceschanged). */
  var button = doc.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!button || !synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var lang = (doc.documentElement.lang || "sv").toLowerCase();
  var localVoice = function () {
    var voices = synth.getVoices() || [];
    var sameLanguage = null;
    for (var i = 0; i < voices.length; i += 1) {
      var voice = voices[i];
      if (voice.localService !== true) { continue; }
      var voiceLang = String(voice.lang || "").toLowerCase().replace("_", "-");
      if (voiceLang === lang) { return voice; }
      if (!sameLanguage && voiceLang.split("-")[0] === lang.split("-")[0]) { sameLanguage = voice; }
    }
    return sameLanguage;
  };
  var offer = function () { button.hidden = !localVoice(); };
  offer();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", offer); }
  /* Stop talking when the page goes (Next, Back, quick exit): the next page has its own text. */
  window.addEventListener("pagehide", function () { synth.cancel(); });
  /* What a person reads on the page, in order: headings, text, questions and their answers.
     Not the language menu, the progress dots, buttons or anything hidden. */
  var READ = "h1, h2, p, li, dt, dd, legend, label, .option > span";
  var SKIP = "nav, button, [hidden], [aria-hidden=true], .progress-row, [data-read-aloud]";
  var pageText = function () {
    var parts = [];
    var last = null;
    var main = doc.querySelector("main");
    Array.prototype.forEach.call(main ? main.querySelectorAll(READ) : [], function (element) {
      if (element.closest(SKIP) || (last && last.contains(element))) { return; }
      var text = element.textContent.replace(/\s+/g, " ").trim();
      if (text) { parts.push(text); last = element; }
    });
    return parts.join(". ").replace(/([.!?:])\./g, "$1");
  };
  button.addEventListener("click", function () {
    var voice = localVoice();
    synth.cancel();
    if (!voice) { button.hidden = true; return; }
    var utterance = new window.SpeechSynthesisUtterance(pageText());
    utterance.voice = voice;
    utterance.lang = voice.lang;
    synth.speak(utterance);
  });
}());
