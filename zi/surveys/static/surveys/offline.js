/* Offline survey device (docs/surveys.md "Survei luring"). No library, no remote asset.
   Answers are kept in IndexedDB, each with an id made here (UUID), and sent in batches to the sync endpoint;
   a response is dropped from the device only when the server acknowledges it as stored or duplicate. */
(function () {
  "use strict";
  const app = document.getElementById("offline-app");
  if (!app) return;
  const form = document.getElementById("offline-form");
  const texts = document.getElementById("texts").dataset;
  const DB_NAME = "zi-luring:" + app.dataset.page;
  const STORE = "queue";
  const BATCH = 50;
  let syncing = false;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function tx(mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
      t.onerror = () => { db.close(); reject(t.error); };
    }));
  }

  const all = () => tx("readonly", (s) => s.getAll());
  const put = (record) => tx("readwrite", (s) => s.put(record));
  const drop = (ids) => tx("readwrite", (s) => ids.forEach((id) => s.delete(id)));

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function show(id, text) {
    const el = document.getElementById(id);
    el.textContent = text || "";
    el.hidden = !text;
  }

  async function refresh() {
    const records = await all();
    const refused = records.filter((r) => r.refused);
    document.getElementById("queue-count").textContent = String(records.length - refused.length);
    document.getElementById("refused-count").textContent = String(refused.length);
    document.getElementById("refused-note").hidden = refused.length === 0;
    show("net-status", navigator.onLine ? texts.online : texts.offline);
    return records;
  }

  function collect() {
    let ok = true;
    const record = { id: uuid(), answered_at: new Date().toISOString(), group: "", service_type: "", answers: {} };
    form.querySelectorAll("fieldset[data-name]").forEach((fs) => {
      const name = fs.dataset.name;
      const checked = fs.querySelector("input:checked");
      const missing = fs.dataset.required && !checked;
      fs.querySelector(".err").hidden = !missing;
      if (missing) ok = false;
      if (!checked) return;
      if (name === "group") record.group = checked.value;
      else if (name === "service_type") record.service_type = checked.value;
      else record.answers[name.slice(1)] = Number(checked.value);
    });
    return ok ? record : null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const record = collect();
    if (!record) {
      show("saved", "");
      document.getElementById("form-error").hidden = false;
      const first = form.querySelector(".err:not([hidden])");
      if (first) first.closest("fieldset").scrollIntoView();
      return;
    }
    await put(record);
    form.reset();
    document.getElementById("form-error").hidden = true;
    document.getElementById("saved").hidden = false;
    window.scrollTo(0, 0);
    await refresh();
    sync(false);
  });

  form.addEventListener("change", () => { document.getElementById("saved").hidden = true; });

  async function post(responses, queueSize) {
    const response = await fetch(app.dataset.sync, {
      method: "POST",
      cache: "no-store",
      credentials: "omit",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + app.dataset.token },
      body: JSON.stringify({ sent_at: new Date().toISOString(), queue_size: queueSize, responses: responses }),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { ok: response.ok, data: data };
  }

  async function sync(userAsked) {
    if (syncing) return;
    if (!navigator.onLine) { await refresh(); if (userAsked) show("sync-message", texts.failed); return; }
    syncing = true;
    let sent = 0;
    let refused = 0;
    try {
      const records = await refresh();
      const pending = records.filter((r) => !r.refused);
      if (userAsked) show("sync-message", texts.sending);
      // An empty batch still reports the queue and learns whether the device was revoked or the survey closed.
      const batches = [];
      for (let i = 0; i < pending.length; i += BATCH) batches.push(pending.slice(i, i + BATCH));
      if (!batches.length) batches.push([]);
      let left = pending.length;
      for (const batch of batches) {
        const payload = batch.map((r) => ({ id: r.id, answered_at: r.answered_at, group: r.group, service_type: r.service_type, answers: r.answers }));
        const result = await post(payload, left);
        if (!result.ok) { show("sync-message", result.data.message || texts.failed); return; }
        const done = [];
        for (const ack of result.data.results || []) {
          if (ack.status === "stored" || ack.status === "duplicate") done.push(ack.id);
          else if (ack.status === "refused") {
            const record = batch.find((r) => r.id === ack.id);
            if (record) { record.refused = ack.reason || ack.code; await put(record); refused += 1; }
          }
        }
        await drop(done);
        sent += done.length;
        left -= done.length;
      }
      if (refused) show("sync-message", texts.refused);
      else if (sent) show("sync-message", texts.sent.replace("{n}", String(sent)));
      else if (userAsked) show("sync-message", texts.nothing);
    } catch (e) {
      show("sync-message", texts.failed);
    } finally {
      syncing = false;
      await refresh();
    }
  }

  async function exportQueue() {
    const records = await all();
    const data = {
      format: "zi-survei-luring/1",
      device: app.dataset.device,
      campaign: app.dataset.campaign,
      exported_at: new Date().toISOString(),
      responses: records,
    };
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "survei-luring-" + new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-") + ".json";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  document.getElementById("sync-now").addEventListener("click", () => sync(true));
  document.getElementById("export").addEventListener("click", exportQueue);
  window.addEventListener("online", () => sync(false));
  window.addEventListener("offline", refresh);
  setInterval(() => sync(false), 60000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.sw, { scope: app.dataset.page }).catch(() => {});
  }
  refresh().then(() => sync(false));
})();
