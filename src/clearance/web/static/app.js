// clearance web interface: small progressive enhancements; every page works without them.
"use strict";

// A screening job's page follows the job while it runs, then shows its results.
function followJob(box) {
  const url = box.dataset.statusUrl;
  const progress = document.getElementById("progress");
  const count = document.getElementById("job-count");
  const state = document.getElementById("job-state");
  async function poll() {
    let status;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) { return; }
      status = await response.json();
    } catch (err) {
      window.setTimeout(poll, 3000);
      return;
    }
    state.textContent = status.state;
    if (status.rows_total) { progress.max = status.rows_total; }
    progress.value = status.rows_done;
    count.textContent = status.rows_done.toLocaleString() + (status.rows_total ? " of " + status.rows_total.toLocaleString() : "") + " rows";
    if (status.state === "queued" || status.state === "running") {
      window.setTimeout(poll, 700);
    } else {
      window.location.reload();
    }
  }
  window.setTimeout(poll, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    followJob(job);
  }
  // "/" focuses the search box, as on many search pages (not while typing in a field)
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const box = document.querySelector('input[type="search"][name="q"]');
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
});
