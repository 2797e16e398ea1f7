// Keeps a running sync job's progress bar and counts current without reloading the page; the
// page reloads once when the job ends, to show its errors. Without JavaScript, the page
// refreshes itself (a meta refresh in <noscript>).
(function () {
  var card = document.getElementById('sync-job');
  if (!card || card.getAttribute('data-active') !== 'true') return;
  var bar = document.getElementById('sync-progress');
  function field(name) { return card.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(card.getAttribute('data-progress-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 3000); return; }
        ['documents_processed', 'documents_created', 'documents_updated', 'error_count', 'status'].forEach(function (name) {
          field(name).textContent = job[name];
        });
        if (job.percent !== null) {
          bar.value = job.percent;
          field('percent').textContent = job.percent + '%';
        }
        if (job.status === 'completed' || job.status === 'failed') { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
