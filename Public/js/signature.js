// Optional drawn signature: shows a canvas on the sign form and puts the drawing, as a PNG data
// URL, in the hidden signature_image field. Without JavaScript the typed name alone signs.
(function () {
  var form = document.getElementById("sign-form");
  if (!form) return;
  var pad = form.querySelector(".signature-pad");
  var canvas = document.getElementById("signature-canvas");
  var field = document.getElementById("signature_image");
  var context = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  pad.hidden = false;
  context.lineWidth = 3;
  context.lineCap = "round";

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    var p = point(event);
    context.beginPath();
    context.moveTo(p.x, p.y);
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = point(event);
    context.lineTo(p.x, p.y);
    context.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointerup", function () { drawing = false; });
  document.getElementById("signature-clear").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
  form.addEventListener("submit", function () {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
