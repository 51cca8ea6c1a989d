/* Filled forms: send the chosen files one at a time, then read their pages one at a time, showing progress.
   Without this file the form still works: it posts every file at once and the page lists what was read. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form || !window.FormData || !window.fetch) { return; }
  var input = document.getElementById("scans");
  var box = document.getElementById("scan-progress");
  var bar = document.getElementById("scan-bar");
  var status = document.getElementById("scan-status");
  var list = document.getElementById("scan-results");
  var done = document.getElementById("scan-done");
  var token = form.querySelector("input[name=csrf_token]").value;
  var base = form.dataset.uploadUrl;
  var loginPath = form.dataset.loginUrl;

  function say(text) { status.textContent = text; }
  function note(text, isError) {
    var li = document.createElement("li");
    li.textContent = text;
    if (isError) { li.className = "error"; }
    list.appendChild(li);
  }
  // The page's own words, in the staff member's language, come with the form (data-say-…); "{n}" marks a number.
  var words = form.dataset;
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return String(values[key]); });
  }
  var SESSION_ENDED = words.saySessionEnded;
  var FORM_EXPIRED = words.sayFormExpired;
  var SERVER_PROBLEM = words.sayServerProblem;
  function signInPage(url) {
    // Only being sent to the sign-in page means the session ended.
    try { return Boolean(url) && new URL(url, window.location.href).pathname === loginPath; } catch (err) { return false; }
  }
  function reply(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== -1) { return response.json(); }
    if (response.redirected && signInPage(response.url)) { throw new Error(SESSION_ENDED); }
    if (response.status === 400) { throw new Error(FORM_EXPIRED); } // the form's token refused
    return {error: true, serverProblem: true}; // a problem on the server with this page: the others are still read
  }
  function post(url, data) {
    data.append("csrf_token", token);
    return fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(reply);
  }
  var MAX_BYTES = 60 * 1024 * 1024;
  function sendFile(file, index, count) {
    return new Promise(function (resolve) {
      if (file.size > MAX_BYTES) {
        resolve({error: file.name + " is too big (" + Math.round(file.size / 1048576) + " MB); send at most 60 MB at once."});
        return;
      }
      var data = new FormData();
      data.append("csrf_token", token);
      data.append("scan", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", base);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.max = count; bar.value = index + e.loaded / e.total; }
      };
      xhr.onload = function () {
        if (xhr.status === 413) { resolve({error: file.name + " is too big; send at most 60 MB at once."}); return; }
        var result = null;
        try { result = JSON.parse(xhr.responseText); } catch (err) { result = null; }
        if (result) { resolve(result); return; }
        if (signInPage(xhr.responseURL)) { resolve({error: file.name + ": " + SESSION_ENDED, stop: true}); return; }
        if (xhr.status === 400) { resolve({error: file.name + ": " + FORM_EXPIRED, stop: true}); return; }
        resolve({error: file.name + ": it could not be kept because of a problem on the server; nothing from it " +
                        "was saved. The other files are listed here."});
      };
      xhr.onerror = function () { resolve({error: file.name + ": the upload failed. Check the connection and try again."}); };
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; } // the server says what to do
    event.preventDefault();
    form.querySelector("button[type=submit]").disabled = true;
    box.hidden = false;
    list.textContent = "";
    done.hidden = true;
    var pages = [];
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      chain = chain.then(function () {
        say(fill(words.sayUploading, {n: i + 1, total: files.length, name: file.name}));
        return sendFile(file, i, files.length).then(function (result) {
          if (result.stop) { throw new Error(result.error); }
          if (result.error) { note(result.message || result.error, true); return; }
          for (var n = 1; n <= result.pages; n += 1) {
            pages.push({upload: result.upload, number: n, name: result.name, count: result.pages});
          }
        });
      });
    });
    var read = 0;
    var recorded = 0;
    var review = 0;
    chain.then(function () {
      bar.max = Math.max(1, pages.length);
      bar.value = 0;
      var reading = Promise.resolve();
      pages.forEach(function (page, i) {
        reading = reading.then(function () {
          say(fill(words.sayReading, {n: i + 1, total: pages.length}));
          return post(base + "/" + page.upload + "/pages/" + page.number, new FormData()).then(function (result) {
            if (result.serverProblem) {
              result.message = page.name + (page.count > 1 ? fill(words.sayPage, {n: page.number}) : "") + ": " +
                SERVER_PROBLEM;
            }
            note(result.message, Boolean(result.error));
            if (!result.error) { read += 1; recorded += result.recorded; review += result.to_check; }
            bar.value = i + 1;
          });
        });
      });
      return reading;
    }).then(function () {
      say(fill(recorded === 1 ? words.sayFinishedOne : words.sayFinished,
               {read: read, total: pages.length, recorded: recorded, review: review}));
      done.hidden = false;
    }).catch(function (err) {
      say(err.message);
    }).then(function () {
      form.querySelector("button[type=submit]").disabled = false;
    });
  });
}());
