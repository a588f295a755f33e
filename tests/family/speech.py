"""A stand-in for the browser's speech synthesis, for the read-aloud tests.

Headless Chromium has no voices, so the real one would (rightly) keep the "Lyssna" button
hidden. The stand-in records what it is asked to say and with which voice; voices are plain
objects with the fields family.js reads (lang, name, localService).
"""

from __future__ import annotations

FAKE_SPEECH = """
(() => {
  const listeners = [];
  window.__spoken = [];
  window.__voices = [];
  const synth = {
    getVoices: () => window.__voices,
    speak: (utterance) => window.__spoken.push({
      text: utterance.text,
      lang: utterance.lang,
      voice: utterance.voice ? utterance.voice.name : null,
    }),
    cancel: () => {},
    addEventListener: (type, listener) => {
      if (type === "voiceschanged") listeners.push(listener);
    },
  };
  window.__voicesArrive = (voices) => { window.__voices = voices; listeners.forEach((l) => l()); };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  // The real utterance accepts only a real SpeechSynthesisVoice as its voice.
  window.SpeechSynthesisUtterance = function (text) {
    this.text = text;
    this.lang = "";
    this.voice = null;
  };
})();
"""
NO_SPEECH = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"

#: A voice installed on the phone (speaks without the network).
LOCAL_SWEDISH = {"lang": "sv-SE", "name": "Alva", "localService": True}
#: A voice of the browser's vendor: the text would be sent to its servers.
NETWORK_SWEDISH = {"lang": "sv-SE", "name": "Google svenska", "localService": False}
NETWORK_FINNISH = {"lang": "fi-FI", "name": "Google suomi", "localService": False}


def voices_arrive(page, *voices: dict) -> None:
    page.evaluate("voices => window.__voicesArrive(voices)", list(voices))
