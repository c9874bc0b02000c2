// tppo-screener pages: small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Printable handout: the print button (print-to-PDF from the browser's dialog).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Cek iklan: one submission at a time (scoring a link can take a few seconds).
  var checkForm = document.getElementById("check-form");
  if (checkForm) {
    checkForm.addEventListener("submit", function () {
      var button = checkForm.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    });
  }

  // Cek iklan: a picture by file picker, drag-and-drop or paste (the file input carries it either way).
  var dropzone = document.getElementById("dropzone");
  var imageInput = document.getElementById("image");
  if (dropzone && imageInput) {
    var shown = document.getElementById("dropzone-file");
    var showName = function () {
      var file = imageInput.files && imageInput.files[0];
      shown.textContent = file ? file.name + " (" + Math.round(file.size / 1024) + " KB)" : "";
    };
    var take = function (files) {
      var picked = Array.prototype.filter.call(files || [], function (f) { return /^image\//.test(f.type); });
      if (!picked.length || typeof DataTransfer === "undefined") { return false; }
      var transfer = new DataTransfer();
      transfer.items.add(picked[0]);
      imageInput.files = transfer.files;
      showName();
      return true;
    };
    imageInput.addEventListener("change", showName);
    ["dragenter", "dragover"].forEach(function (name) {
      dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      dropzone.addEventListener(name, function () { dropzone.classList.remove("over"); });
    });
    dropzone.addEventListener("drop", function (event) {
      event.preventDefault();
      take(event.dataTransfer && event.dataTransfer.files);
    });
    document.addEventListener("paste", function (event) {
      var items = event.clipboardData && event.clipboardData.files;
      if (items && items.length && take(items)) { event.preventDefault(); }
    });
  }

  // Quiz: toggle picks, then reveal the red flags and count hits.
  var quiz = document.getElementById("quiz");
  if (quiz) {
    var tokens = Array.prototype.slice.call(quiz.querySelectorAll(".qtok"));
    tokens.forEach(function (tok) {
      tok.addEventListener("click", function () {
        if (quiz.classList.contains("revealed")) { return; }
        tok.setAttribute("aria-pressed", tok.getAttribute("aria-pressed") === "true" ? "false" : "true");
      });
    });
    var reveal = document.getElementById("quiz-reveal");
    reveal.addEventListener("click", function () {
      var found = {}, extra = 0;
      tokens.forEach(function (tok) {
        var flags = (tok.getAttribute("data-flags") || "").split(" ").filter(Boolean);
        var picked = tok.getAttribute("aria-pressed") === "true";
        if (picked && flags.length) { tok.classList.add("hit"); flags.forEach(function (f) { found[f] = true; }); }
        else if (picked) { tok.classList.add("miss"); extra += 1; }
      });
      quiz.classList.add("revealed");
      var total = quiz.getAttribute("data-total") || "0";
      var text = (quiz.getAttribute("data-result-template") || "")
        .replace("{found}", String(Object.keys(found).length)).replace("{total}", total).replace("{extra}", String(extra));
      document.getElementById("quiz-result").textContent = text;
      document.getElementById("quiz-answer").hidden = false;
      reveal.disabled = true;
    });
  }
  function submitOnce(form) {
    if (!form || form.getAttribute("data-sent") === "1") { return; }
    if (form.checkValidity && !form.checkValidity()) { if (form.reportValidity) { form.reportValidity(); } return; }
    form.setAttribute("data-sent", "1");
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // Antrian item: keyboard shortcuts (1-9: the n-th verdict, Enter/d decide, r release, n next item).
  var decisionForm = document.getElementById("decision-form");
  if (decisionForm) {
    var releaseForm = document.getElementById("release-form");
    var nextLink = document.getElementById("next-item");
    var typing = /^(text|search|number|email|url|password|file|date|time)$/i;
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
      var target = event.target || document.body;
      var tag = target.tagName || "";
      if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) { return; }
      if (tag === "INPUT" && typing.test(target.type || "text")) { return; }
      var key = event.key;
      if (key >= "1" && key <= "9" && key.length === 1) {
        var radio = decisionForm.querySelectorAll("input[name=verdict]")[Number(key) - 1];
        if (radio) { radio.checked = true; radio.focus(); }
        event.preventDefault();
      } else if (key === "Enter" || key === "d" || key === "D") {
        // Enter on a button, link or summary keeps its own meaning.
        if (key === "Enter" && (tag === "BUTTON" || tag === "A" || tag === "SUMMARY")) { return; }
        event.preventDefault();
        submitOnce(decisionForm);
      } else if ((key === "r" || key === "R") && releaseForm) {
        event.preventDefault();
        submitOnce(releaseForm);
      } else if ((key === "n" || key === "N") && nextLink) {
        event.preventDefault();
        window.location.href = nextLink.href;
      }
    });
    decisionForm.addEventListener("submit", function () {
      decisionForm.setAttribute("data-sent", "1");
      var button = decisionForm.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    });
  }

  // Batch progress: poll the session-authenticated JSON twin of GET /api/v1/batches/{id}.
  var progress = document.getElementById("batch-progress");
  if (progress && window.fetch) {
    var pollUrl = progress.getAttribute("data-poll");
    var failures = 0;
    var setText = function (id, value) {
      var el = document.getElementById(id);
      if (el) { el.textContent = String(value); }
    };
    var show = function (batch) {
      progress.setAttribute("data-status", batch.status);
      setText("batch-status", progress.getAttribute("data-label-" + batch.status) || batch.status);
      var bar = document.getElementById("batch-bar");
      if (bar) { bar.value = batch.progress; bar.textContent = Math.round(batch.progress * 100) + "%"; }
      setText("b-accepted", batch.accepted);
      setText("b-rejected", batch.rejected);
      setText("b-scored", batch.scored);
      setText("b-enqueued", batch.enqueued);
      var error = document.getElementById("batch-error");
      if (error) { error.textContent = batch.error || ""; error.hidden = !batch.error; }
      var list = document.getElementById("batch-errors");
      var rowLabel = (document.getElementById("batch-row-label") || progress).getAttribute("data-row-label") || "{n}";
      if (list) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        (batch.errors || []).forEach(function (e) {
          var li = document.createElement("li");
          // Messages from CSV/JSONL parsing already start with "row N:".
          var label = /^row \d+/.test(e.message) ? "" : rowLabel.replace("{n}", String(e.row)) + ": ";
          li.textContent = label + e.message;
          list.appendChild(li);
        });
      }
      var none = document.getElementById("batch-no-errors");
      if (none) { none.hidden = (batch.errors || []).length > 0; }
      var done = document.getElementById("batch-done");
      if (done) { done.hidden = batch.status !== "done"; }
    };
    var poll = function () {
      fetch(pollUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (batch) {
          failures = 0;
          show(batch);
          if (batch.status !== "done" && batch.status !== "failed") { window.setTimeout(poll, 1000); }
        })
        .catch(function () {
          failures += 1;
          if (failures < 10) { window.setTimeout(poll, 3000); }
        });
    };
    var state = progress.getAttribute("data-status");
    if (state !== "done" && state !== "failed") { window.setTimeout(poll, 500); }
  }
})();
