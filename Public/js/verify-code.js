// The code form sends itself once six digits are typed (or pasted from the message), and the
// button for a new code waits out its delay. Without JavaScript both work as plain forms.
(() => {
  const code = document.getElementById("code");
  const form = document.getElementById("verify-form");
  if (code && form) {
    code.addEventListener("input", () => {
      const digits = code.value.replace(/\D/g, "");
      if (digits.length === 6 && !form.dataset.sent) {
        form.dataset.sent = "1";
        code.value = digits;
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  }
  const resend = document.getElementById("send-code");
  const wait = Number(resend?.dataset.wait || 0);
  if (resend && wait > 0) {
    resend.disabled = true;
    setTimeout(() => {
      resend.disabled = false;
      document.getElementById("resend-wait")?.remove();
    }, wait * 1000);
  }
})();
