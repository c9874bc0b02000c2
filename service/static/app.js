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
})();
