// Sends the recipient's choices as they change and shows the server's figures, without reloading:
// the same form posts the same fields without JavaScript (its "Update the total" button).
(function () {
  var form = document.getElementById("price-choices");
  if (!form) return;
  var pending = null;
  function send() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: "POST", body: body, headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var amount = page.querySelector(".facts .amount"), shown = document.querySelector(".facts .amount");
        if (amount && shown) shown.textContent = amount.textContent;
        var fresh = page.getElementById("price-tables");
        var current = document.getElementById("price-tables");
        if (!fresh || !current) return;
        var focused = document.activeElement && document.activeElement.id;
        current.replaceWith(fresh);
        var again = focused && document.getElementById(focused);
        if (again) again.focus();
        form = document.getElementById("price-choices");
        if (form) listen(form);
      });
  }
  function listen(target) {
    target.addEventListener("change", function () { clearTimeout(pending); pending = setTimeout(send, 150); });
    target.addEventListener("submit", function (event) { event.preventDefault(); send(); });
    var button = target.querySelector("#update-total");
    if (button) button.hidden = true;
    // Each change is saved as it happens: there is nothing to update before deciding.
    document.querySelectorAll(".decide-on-total").forEach(function (hint) { hint.hidden = true; });
  }
  listen(form);
})();
