/* The kiosk's behaviour: speech as screens appear, single-switch scanning, voice choice, a gentle idle return.
   Everything works without this file too (plain links and forms); this only adds speech, switch and voice. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.dataset.csrf;
  // The screen's words, in parts spoken one after another (the question, then each answer on screen).
  var screenParts = Array.prototype.slice.call(document.querySelectorAll("audio[data-screen-speech]"));
  var current = null; // the audio element playing now
  var stopped = false;

  function play(audio) {
    if (recording) { return; } // nothing speaks over the resident while the microphone is open
    if (current && current !== audio) { current.pause(); current.currentTime = 0; }
    current = audio;
    audio.currentTime = 0;
    var p = audio.play();
    // No autoplay until the first touch: the replay button works, and scanning need not wait for silence.
    if (p && p.catch) { p.catch(function () { if (screenParts.indexOf(audio) >= 0) { spoken(); } }); }
  }
  // The screen's speech has been read out (or stopped, or could not play): switch scanning may start.
  var spokenOnce = false;
  var afterSpeech = [];
  function spoken() {
    if (spokenOnce) { return; }
    spokenOnce = true;
    afterSpeech.forEach(function (fn) { fn(); });
  }
  function stop() { stopped = true; if (current) { current.pause(); current.currentTime = 0; } spoken(); }
  function playScreen() {
    stopped = false;
    if (screenParts.length) { play(screenParts[0]); } else { spoken(); }
  }
  screenParts.forEach(function (part, i) {
    function next() {
      if (current !== part || stopped || recording) { return; }
      if (screenParts[i + 1]) { play(screenParts[i + 1]); } else { spoken(); }
    }
    part.addEventListener("ended", next);
    part.addEventListener("error", next);
  });

  // Fit the screen: everything a resident needs on one screen at their own text size, with no scrolling.
  // Pictures shrink first (columns chosen for the biggest pictures); then fewer options go on a screen;
  // only when one option still does not fit do the words get smaller.
  var root = document.documentElement;
  var grid = document.querySelector("[data-fit-grid]");
  var MIN_PICTURE = 72; // px: smaller than this a picture is hard to make out
  var baseFont = parseFloat(getComputedStyle(root).fontSize);
  function fits() {
    var bottom = 0;
    document.querySelectorAll(".kiosk-top > *, main > *").forEach(function (el) {
      if (!el.hasAttribute("data-fit-optional")) { bottom = Math.max(bottom, el.getBoundingClientRect().bottom); }
    });
    var broken = Array.prototype.some.call(document.querySelectorAll(".choice-label"), function (label) {
      // A word wider than its card: it would spill over the card's edge, or be broken mid-word.
      var l = label.getBoundingClientRect(), c = label.parentNode.getBoundingClientRect();
      return label.scrollWidth > label.clientWidth + 1 || l.left < c.left + 3 || l.right > c.right - 3;
    });
    return !broken && bottom <= window.innerHeight - 2 && root.scrollWidth <= root.clientWidth + 1;
  }
  function setPicture(px) { root.style.setProperty("--picture", px + "px"); }
  function setLayout(n, row) {
    for (var c = 1; c <= 4; c++) { grid.classList.toggle("cols-" + c, c === n); }
    grid.classList.toggle("cards-row", row);
  }
  function biggestPicture() {
    // The largest picture (px) that lets everything fit with the columns as they are; 0 if none does.
    var rem = parseFloat(getComputedStyle(root).fontSize);
    var hi = Math.round(12 * rem);
    setPicture(hi);
    var img = grid && grid.querySelector("img");
    if (img) { hi = Math.min(hi, Math.floor(img.getBoundingClientRect().width)); }
    var lo = MIN_PICTURE;
    setPicture(lo);
    if (!fits()) { return 0; }
    while (hi - lo > 3) {
      var mid = Math.floor((lo + hi) / 2);
      setPicture(mid);
      if (fits()) { lo = mid; } else { hi = mid; }
    }
    setPicture(lo);
    return lo;
  }
  function layout() {
    var cards = grid ? Array.prototype.filter.call(grid.querySelectorAll(".choice-card"), function (card) {
      return !card.closest("[hidden]");
    }).length : 0;
    if (!cards) { return biggestPicture() > 0; }
    var best = null;
    [false, true].forEach(function (row) {
      for (var c = 1; c <= cards; c++) {
        setLayout(c, row);
        var px = biggestPicture();
        if (px && (!best || px > best.px + 8)) { best = { cols: c, row: row, px: px }; }
      }
    });
    if (!best) { return false; }
    setLayout(best.cols, best.row);
    setPicture(best.px);
    return true;
  }
  function fewerOptions() {
    // Ask the server for the same question with fewer options on a screen, keeping the first one shown:
    // as many as fit here with the smallest pictures (leaving the rest out to try), at least one fewer.
    var shown = grid && grid.hasAttribute("data-per") ? parseInt(grid.dataset.per, 10) : 0;
    if (shown < 2) { return false; }
    var items = Array.prototype.slice.call(grid.children);
    var per = 1;
    for (var k = shown - 1; k > 1 && per === 1; k--) {
      items.forEach(function (li, i) { li.hidden = i >= k; });
      if (layout()) { per = k; }
    }
    items.forEach(function (li) { li.hidden = false; });
    var url = new URL(window.location.href);
    var page = Math.floor(parseInt(grid.dataset.first || "0", 10) / per) + 1;
    url.searchParams.set("per", per);
    if (page > 1) { url.searchParams.set("page", page); } else { url.searchParams.delete("page"); }
    window.location.replace(url.pathname + url.search);
    return true;
  }
  // What may go below the screen (the list of questions on the first screen) is never cut across its edge:
  // a heading or button the edge would cut in two starts below it, with a heading kept with its first button.
  var optional = Array.prototype.slice.call(document.querySelectorAll(
    "main > [data-fit-optional]:not(ul), main > ul[data-fit-optional] > li"));
  function tuckOptional() {
    optional.forEach(function (el) { el.style.removeProperty("margin-top"); });
    var edge = window.innerHeight;
    for (var i = 0; i < optional.length; i++) {
      var r = optional[i].getBoundingClientRect();
      if (r.bottom <= edge - 2) { continue; }
      if (r.top < edge) {
        var el = i > 0 && optional[i - 1].tagName === "H2" ? optional[i - 1] : optional[i];
        var top = el.getBoundingClientRect().top;
        var gap = parseFloat(getComputedStyle(el).marginTop) || 0;
        el.style.setProperty("margin-top", (gap + edge - top + 8) + "px");
      }
      return;
    }
  }
  function fit() {
    root.dataset.fit = "fitting";
    root.style.fontSize = "";
    optional.forEach(function (el) { el.style.removeProperty("margin-top"); });
    window.scrollTo(0, 0);
    if (!layout()) {
      if (fewerOptions()) { return false; }
      // The largest words that fit, found by halving: words shrink as little as they must.
      var lo = 0.3, hi = 1;
      while (hi - lo > 0.02) {
        var mid = (lo + hi) / 2;
        root.style.fontSize = (baseFont * mid) + "px";
        if (layout()) { lo = mid; } else { hi = mid; }
      }
      root.style.fontSize = (baseFont * lo) + "px";
      layout();
    }
    tuckOptional();
    root.dataset.fit = "done";
    root.dataset.fitSize = window.innerWidth + "x" + window.innerHeight; // what it was fitted to
    return true;
  }
  var fitted = fit();
  var refit = null;
  window.addEventListener("resize", function () {
    clearTimeout(refit);
    root.dataset.fit = "fitting";
    refit = setTimeout(fit, 150);
  });

  var optionAudio = {};
  function speakUrl(url) {
    if (!url) { return; }
    if (!optionAudio[url]) { optionAudio[url] = new Audio(url); }
    play(optionAudio[url]);
  }

  // Speech as the screen appears (once it is fitted to the screen), with replay and stop.
  document.querySelectorAll("[data-speech-replay]").forEach(function (b) {
    b.addEventListener("click", playScreen);
  });
  document.querySelectorAll("[data-speech-stop]").forEach(function (b) { b.addEventListener("click", stop); });
  // Each option is read aloud when it is focused (keyboard, switch scanning); the screen's speech reads them all.
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
  // The answers first, then paging and the other controls: a switch user reaches a choice soonest.
  var scannable = Array.prototype.slice.call(document.querySelectorAll("[data-scan]"));
  var targets = scannable.filter(function (el) { return el.classList.contains("choice-card"); })
    .concat(scannable.filter(function (el) { return !el.classList.contains("choice-card"); }));
  var lit = -1;
  var scanTimer = null;
  var warning = document.getElementById("idle-warning");
  var dismissedAt = 0; // when the switch press that answered "Are you still there?" came
  function light(i) {
    if (warning && !warning.hidden) { return; } // the warning has the switch to itself
    if (lit >= 0 && targets[lit]) { targets[lit].classList.remove("scan-lit"); }
    lit = i;
    var el = targets[lit];
    el.classList.add("scan-lit");
    // The screen is fitted, so nothing needs scrolling: the thing being rated stays in view.
    el.focus({ preventScroll: true });
    if (el.getBoundingClientRect().bottom > window.innerHeight) { el.scrollIntoView({ block: "nearest" }); }
    body.dataset.scanLit = el.dataset.confirm || el.textContent.trim();
  }
  function pick() {
    var el = targets[lit];
    if (!el) { return; }
    if (el.tagName === "A") {
      window.location.href = el.classList.contains("choice-card") && !el.dataset.confirm
        ? withChannel(el.href, "switch") : el.href;
    } else {
      var channelField = el.form && el.form.querySelector("[data-channel]");
      if (channelField) { channelField.value = "switch"; }
      el.click();
    }
  }
  function startScanning() {
    // A confirmed answer keeps the channel it was chosen by.
    var channelField = document.querySelector("input[name=channel]");
    if (channelField && channelField.value === "touch" && new URLSearchParams(location.search).get("channel") === "switch") {
      channelField.value = "switch";
    }
    light(0);
    scanTimer = setInterval(function () { light((lit + 1) % targets.length); }, scanMs);
  }
  if (scanMs > 0 && targets.length) {
    // Scanning starts once the question has been read out, so the lit options do not talk over it.
    afterSpeech.push(startScanning);
    document.addEventListener("keydown", function (e) {
      if (e.key === " " || e.key === "Enter") {
        if (e.target && e.target.id === "still-here") { return; }
        e.preventDefault();
        if (Date.now() - dismissedAt < 500) { return; } // that press answered "Are you still there?"
        if (lit < 0) { stop(); return; } // a press while the question is read: skip to the choices
        clearInterval(scanTimer);
        pick();
      }
    });
  }

  // Voice: record what the resident says, send it with the options on screen, confirm what was heard.
  // On a yes/no screen (data-yesno) the answer presses the screen's own yes or no.
  var voice = document.querySelector("[data-listen-url]");
  var recording = false;
  if (voice && navigator.mediaDevices && window.AudioContext) {
    var button = voice.querySelector("[data-speak]");
    var status = voice.querySelector("[data-voice-status]");
    var sorry = new Audio(voice.dataset.sorry);
    var noMicrophone = new Audio(voice.dataset.noMicrophone);
    // What was said aloud is shown too, for a resident who does not hear it.
    var again = function (message) {
      status.textContent = message || voice.dataset.sorryText;
      button.disabled = false;
      play(sorry);
    };
    button.addEventListener("click", function () {
      stop(); // never record while a prompt is playing
      button.disabled = true;
      status.textContent = button.dataset.listening || "…";
      record().then(send).then(function (result) {
        if (result.confirm_url) { window.location.href = result.confirm_url; return; }
        if (result.next_url) { window.location.href = result.next_url; return; }
        if (voice.hasAttribute("data-yesno") && (result.key === "yes" || result.key === "no")) {
          var target = document.querySelector("[data-confirm=" + result.key + "]");
          var channelField = target.form && target.form.querySelector("[data-channel]");
          if (channelField) { channelField.value = "voice"; }
          if (target.tagName === "A") { window.location.href = target.href; } else { target.click(); }
          return;
        }
        again(result.error);
      }).catch(function (problem) {
        if (problem && problem.microphone) { // refused, missing or busy: saying it again will not help
          status.textContent = voice.dataset.noMicrophoneText;
          button.disabled = false;
          play(noMicrophone);
          return;
        }
        again(voice.dataset.failedText);
      });
    });
  }

  // What counts as the end of speech: older speakers pause longer, so 1.3 s of quiet after speaking.
  var TRAILING_QUIET_S = 1.3;
  var NOTHING_SAID_S = 10; // nobody spoke at all
  var LONGEST_S = 28;      // the server takes 30 s at most; no one answers a choice for that long

  function record() {
    return navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false } })
      .catch(function (e) { throw { microphone: true, name: e && e.name }; })
      .then(function (stream) {
        recording = true;
        return new Promise(function (resolve) {
          // The microphone's own rate: Firefox refuses a 16 kHz context on a microphone. Resampled afterwards.
          var ctx = new AudioContext();
          var source = ctx.createMediaStreamSource(stream);
          var node = ctx.createScriptProcessor(4096, 1, 1);
          var chunks = [];
          var heardSpeech = false;
          var quietFor = 0;
          var total = 0;
          var floor = null; // the room's own level, learnt from the first moments
          function finish() {
            node.onaudioprocess = null;
            node.disconnect(); source.disconnect();
            stream.getTracks().forEach(function (t) { t.stop(); });
            ctx.close();
            recording = false;
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
            floor = floor === null ? rms : Math.min(floor * 1.02 + 0.0005, Math.max(rms, floor * 0.98));
            if (rms > Math.max(0.015, floor * 3)) { heardSpeech = true; quietFor = 0; } else { quietFor += seconds; }
            if ((heardSpeech && quietFor > TRAILING_QUIET_S) || (!heardSpeech && total > NOTHING_SAID_S) ||
                total > LONGEST_S) { finish(); }
          };
          source.connect(node);
          node.connect(ctx.destination);
        });
      })
      .then(resample16k);
  }

  function resample16k(rec) {
    // 16 kHz mono for the recogniser, filtered properly by the browser's own resampler.
    if (rec.rate === 16000 || !window.OfflineAudioContext) { return rec; }
    var n = rec.chunks.reduce(function (a, c) { return a + c.length; }, 0);
    if (!n) { return rec; }
    var offline = new OfflineAudioContext(1, Math.ceil(n * 16000 / rec.rate), 16000);
    var buffer = offline.createBuffer(1, n, rec.rate);
    var channel = buffer.getChannelData(0);
    var o = 0;
    rec.chunks.forEach(function (c) { channel.set(c, o); o += c.length; });
    var source = offline.createBufferSource();
    source.buffer = buffer;
    source.connect(offline.destination);
    source.start();
    return offline.startRendering().then(function (rendered) {
      return { chunks: [rendered.getChannelData(0)], rate: 16000 };
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

  if (fitted) { playScreen(); }

  // After a while without use: warn first, then go to this resident's own resting screen. Answers are saved.
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  if (idleSeconds > 0 && warning) {
    var last = Date.now();
    var warningSpeech = document.getElementById("idle-speech");
    var reset = function () {
      last = Date.now();
      if (!warning.hidden) {
        warning.hidden = true;
        dismissedAt = Date.now();
        if (lit >= 0 && targets[lit]) { targets[lit].focus({ preventScroll: true }); }
      }
    };
    ["pointerdown", "keydown", "touchstart"].forEach(function (t) { document.addEventListener(t, reset, true); });
    document.getElementById("still-here").addEventListener("click", reset);
    setInterval(function () {
      var idle = (Date.now() - last) / 1000;
      if (idle > idleSeconds) { window.location.href = body.dataset.restUrl; }
      else if (idle > idleSeconds - Math.min(60, idleSeconds / 2) && warning.hidden) {
        warning.hidden = false;
        document.getElementById("still-here").focus();
        if (warningSpeech) { stopped = false; play(warningSpeech); }
      }
    }, 1000);
  }
})();
