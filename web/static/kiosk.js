/* The kiosk's behaviour: speech as screens appear, single-switch scanning, voice choice, a gentle idle return.
   Everything works without this file too (plain links and forms); this only adds speech, switch and voice. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.dataset.csrf;
  var screenSpeech = document.getElementById("screen-speech");
  var current = null; // the audio element playing now

  function play(audio) {
    if (current && current !== audio) { current.pause(); current.currentTime = 0; }
    current = audio;
    audio.currentTime = 0;
    var p = audio.play();
    if (p && p.catch) { p.catch(function () { /* no autoplay until the first touch: the replay button works */ }); }
  }
  function stop() { if (current) { current.pause(); current.currentTime = 0; } }
  var optionAudio = {};
  function speakUrl(url) {
    if (!url) { return; }
    if (!optionAudio[url]) { optionAudio[url] = new Audio(url); }
    play(optionAudio[url]);
  }

  // Speech as the screen appears, with replay and stop.
  if (screenSpeech) { play(screenSpeech); }
  document.querySelectorAll("[data-speech-replay]").forEach(function (b) {
    b.addEventListener("click", function () { if (screenSpeech) { play(screenSpeech); } });
  });
  document.querySelectorAll("[data-speech-stop]").forEach(function (b) { b.addEventListener("click", stop); });
  // Each option is read aloud when it is focused (keyboard, switch scanning) or touched down on.
  document.querySelectorAll("[data-speech]").forEach(function (el) {
    el.addEventListener("focus", function () { speakUrl(el.dataset.speech); });
  });

  function withChannel(href, channel) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("channel", channel);
    return url.pathname + url.search;
  }

  // Single-switch scanning: each control lights up in turn; one key press (space or enter) picks the lit one.
  var scanMs = parseInt(body.dataset.scanMs || "0", 10);
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-scan]"));
  var lit = -1;
  var scanTimer = null;
  function light(i) {
    if (lit >= 0 && targets[lit]) { targets[lit].classList.remove("scan-lit"); }
    lit = i;
    var el = targets[lit];
    el.classList.add("scan-lit");
    el.focus({ preventScroll: false });
    body.dataset.scanLit = el.dataset.confirm || el.textContent.trim();
  }
  function pick() {
    var el = targets[lit];
    if (!el) { return; }
    if (el.tagName === "A") {
      window.location.href = el.classList.contains("choice-card") && !el.dataset.confirm
        ? withChannel(el.href, "switch") : el.href;
    } else { el.click(); }
  }
  if (scanMs > 0 && targets.length) {
    // A confirmed answer keeps the channel it was chosen by.
    var channelField = document.querySelector("input[name=channel]");
    if (channelField && channelField.value === "touch" && new URLSearchParams(location.search).get("channel") === "switch") {
      channelField.value = "switch";
    }
    light(0);
    scanTimer = setInterval(function () { light((lit + 1) % targets.length); }, scanMs);
    document.addEventListener("keydown", function (e) {
      if (e.key === " " || e.key === "Enter") {
        if (e.target && e.target.id === "still-here") { return; }
        e.preventDefault();
        clearInterval(scanTimer);
        pick();
      }
    });
  }

  // Voice: record what the resident says, send it with the options on screen, confirm what was heard.
  var voice = document.querySelector("[data-listen-url]");
  if (voice && navigator.mediaDevices && window.AudioContext) {
    var button = voice.querySelector("[data-speak]");
    var status = voice.querySelector("[data-voice-status]");
    var sorry = new Audio(voice.dataset.sorry);
    button.addEventListener("click", function () {
      stop();
      button.disabled = true;
      status.textContent = button.dataset.listening || "…";
      record().then(send).then(function (result) {
        if (result.confirm_url) { window.location.href = result.confirm_url; return; }
        status.textContent = result.error || "";
        play(sorry);
        button.disabled = false;
      }).catch(function () { play(sorry); button.disabled = false; status.textContent = ""; });
    });
  }

  function record() {
    // Up to five seconds, ending early after a second of quiet once the resident has spoken.
    return navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false } })
      .then(function (stream) {
        return new Promise(function (resolve) {
          var ctx = new AudioContext({ sampleRate: 16000 });
          var source = ctx.createMediaStreamSource(stream);
          var node = ctx.createScriptProcessor(4096, 1, 1);
          var chunks = [];
          var heardSpeech = false;
          var quietFor = 0;
          var total = 0;
          function finish() {
            node.disconnect(); source.disconnect();
            stream.getTracks().forEach(function (t) { t.stop(); });
            ctx.close();
            resolve({ chunks: chunks, rate: ctx.sampleRate });
          }
          node.onaudioprocess = function (e) {
            var data = new Float32Array(e.inputBuffer.getChannelData(0));
            chunks.push(data);
            var sum = 0;
            for (var i = 0; i < data.length; i++) { sum += data[i] * data[i]; }
            var rms = Math.sqrt(sum / data.length);
            var seconds = data.length / ctx.sampleRate;
            total += seconds;
            if (rms > 0.02) { heardSpeech = true; quietFor = 0; } else { quietFor += seconds; }
            if ((heardSpeech && quietFor > 1.0) || total > 5) { finish(); }
          };
          source.connect(node);
          node.connect(ctx.destination);
        });
      });
  }

  function wav(rec) {
    var n = rec.chunks.reduce(function (a, c) { return a + c.length; }, 0);
    var buffer = new ArrayBuffer(44 + n * 2);
    var v = new DataView(buffer);
    function str(o, s) { for (var i = 0; i < s.length; i++) { v.setUint8(o + i, s.charCodeAt(i)); } }
    str(0, "RIFF"); v.setUint32(4, 36 + n * 2, true); str(8, "WAVE"); str(12, "fmt ");
    v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rec.rate, true); v.setUint32(28, rec.rate * 2, true); v.setUint16(32, 2, true);
    v.setUint16(34, 16, true); str(36, "data"); v.setUint32(40, n * 2, true);
    var o = 44;
    rec.chunks.forEach(function (c) {
      for (var i = 0; i < c.length; i++, o += 2) {
        var s = Math.max(-1, Math.min(1, c[i]));
        v.setInt16(o, s < 0 ? s * 0x8000 : s * 0x7fff, true);
      }
    });
    return new Blob([buffer], { type: "audio/wav" });
  }

  function send(rec) {
    var form = new FormData();
    form.append("audio", wav(rec), "speech.wav");
    return fetch(voice.dataset.listenUrl, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    }).then(function (r) { return r.json(); });
  }

  // After a while without use: warn first, then return to the neutral start screen. Answers are already saved.
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  var warning = document.getElementById("idle-warning");
  if (idleSeconds > 0 && warning) {
    var last = Date.now();
    var reset = function () { last = Date.now(); if (!warning.hidden) { warning.hidden = true; } };
    ["pointerdown", "keydown", "touchstart"].forEach(function (t) { document.addEventListener(t, reset, true); });
    document.getElementById("still-here").addEventListener("click", reset);
    setInterval(function () {
      var idle = (Date.now() - last) / 1000;
      if (idle > idleSeconds) { document.getElementById("end-form").submit(); }
      else if (idle > idleSeconds - Math.min(60, idleSeconds / 2) && warning.hidden) {
        warning.hidden = false;
        document.getElementById("still-here").focus();
      }
    }, 1000);
  }
})();
