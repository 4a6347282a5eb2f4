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

// The alert page's keys: e / f / t choose a decision and go to its reason, Ctrl+Enter in the
// reason records it, n opens the next alert, q the queue (not while typing in a field).
function alertKeys(form) {
  const reason = document.getElementById("reason");
  reason.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return (event) => {
    const radio = form.querySelector('input[name="decision"][data-key="' + event.key + '"]');
    if (radio && !radio.disabled) {
      event.preventDefault();
      radio.checked = true;
      reason.focus();
      return true;
    }
    return false;
  };
}

// The audit page asks for the chain's verification after it is shown (it reads every record).
async function verifyChain(box) {
  const status = document.getElementById("verify-status");
  status.textContent = "Verifying the chain…";
  try {
    const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    const result = await response.json();
    if (!response.ok) { throw new Error(result.error ? result.error.message : response.statusText); }
    status.className = result.ok ? "ok" : "bad";
    status.textContent = result.ok
      ? "Verified: all " + result.records.toLocaleString() + " records intact."
      : "Broken at record " + result.broken + ": " + result.problem + ".";
  } catch (err) {
    status.textContent = "The chain could not be verified: " + err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const verify = document.getElementById("verify");
  if (verify) { verifyChain(verify); }
  const decide = document.getElementById("decide");
  const decideKey = decide ? alertKeys(decide) : null;
  const job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    followJob(job);
  }
  // "/" focuses the search box, as on many search pages (not while typing in a field)
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = (target instanceof HTMLInputElement && !["radio", "checkbox", "submit", "button"].includes(target.type)) || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "/") {
      const box = document.querySelector('input[type="search"][name="q"]');
      if (box) { event.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (decideKey && decideKey(event)) { return; }
    const link = { n: document.getElementById("next-alert"), q: document.querySelector('.crumbs a[href$="/alerts"]') }[event.key];
    if (link) { event.preventDefault(); link.click(); }
  });
});
