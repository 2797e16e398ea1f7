// Inserts the chosen text template where the cursor is in the description, without a round trip;
// without JavaScript the same button posts the form and the server adds the text at the end.
(function () {
  var button = document.getElementById("insert-text");
  var picker = document.getElementById("text_template_id");
  var description = document.getElementById("description");
  if (!button || !picker || !description) return;
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var text = picker.options[picker.selectedIndex].getAttribute("data-body") || "";
    var start = description.selectionStart, end = description.selectionEnd, value = description.value;
    var before = value.slice(0, start), after = value.slice(end);
    var gap = before && !/\n\n$/.test(before) ? "\n\n" : "";
    description.value = before + gap + text + after;
    description.focus();
    description.selectionStart = description.selectionEnd = (before + gap + text).length;
  });
})();
