// Recalculates the price editor as one types: the form is posted as "Recalculate" would post it and
// the server's amounts and totals replace the shown ones; the fields being typed in are left alone.
(function () {
  var form = document.getElementById("price-editor");
  if (!form) return;
  var pending = null;
  function recalculate() {
    var body = new URLSearchParams(new FormData(form));
    body.set("intent", "recalculate");
    fetch(form.action, { method: "POST", body: body, headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        page.querySelectorAll("[data-amount]").forEach(function (cell) {
          var shown = form.querySelector('[data-amount="' + cell.getAttribute("data-amount") + '"]');
          if (shown) shown.textContent = cell.textContent;
        });
        var totals = page.getElementById("editor-totals"), current = document.getElementById("editor-totals");
        if (totals && current) current.replaceWith(totals);
      });
  }
  form.addEventListener("input", function () { clearTimeout(pending); pending = setTimeout(recalculate, 300); });
  form.addEventListener("change", function (event) {
    // A row's type decides its fields: the page comes back whole, as Recalculate gives it.
    if (/_type$/.test(event.target.name)) { form.requestSubmit(document.getElementById("recalculate")); return; }
    clearTimeout(pending);
    pending = setTimeout(recalculate, 100);
  });
})();
