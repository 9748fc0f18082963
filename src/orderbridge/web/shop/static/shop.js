/* The demo shop: a small restaurant website built on orderbridge's storefront API.
 *
 * Everything it knows comes from the API with the key the hub wrote into the page:
 * GET /locations, GET /locations/{id}/menu (with its ETag), POST /orders (with an
 * Idempotency-Key per checkout attempt) and GET /orders/{id} (polled every second
 * until the order reaches a final status). Plain JavaScript, no build step.
 */
(function () {
  "use strict";

  const root = document.getElementById("shop");
  const API = root.dataset.apiBase;
  const KEY = root.dataset.apiKey;
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));

  const FINAL = new Set(["completed", "declined", "canceled", "failed"]);
  const POLL_MS = 1000;
  const MAX_QUANTITY = 99;
  const SYMBOLS = { UAH: "₴", USD: "$", EUR: "€", GBP: "£", PLN: "zł" };

  const state = {
    locations: [],
    location: null,
    menu: null,
    menus: new Map(), // location id → {etag, menu}
    items: new Map(), // item id → item of the current menu
    cart: [],
    attempt: null, // {key, channelOrderId, fingerprint} of the checkout being sent
    dialog: null, // {item, quantity}
    order: null,
    pollTimer: null,
    pollFailures: 0,
  };

  // Helpers -------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else if (name in el && typeof value !== "string") el[name] = value;
      else el.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function currency() {
    return (state.menu && state.menu.currency) || (state.location && state.location.currency) || "UAH";
  }

  function money(minor, code) {
    code = code || currency();
    let digits = 2;
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency: code })
        .resolvedOptions().maximumFractionDigits;
    } catch (e) { /* an unknown code keeps two decimals */ }
    const major = (minor / 10 ** digits).toFixed(digits);
    const [whole, fraction] = major.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    return `${fraction ? grouped + "." + fraction : grouped}\u00a0${SYMBOLS[code] || code}`;
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function timeIn(zone, iso, withDay) {
    const options = { hour: "2-digit", minute: "2-digit", timeZone: zone || undefined };
    if (withDay) options.weekday = "short";
    try {
      return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
    } catch (e) {
      return new Date(iso).toLocaleTimeString();
    }
  }

  function zone() {
    return state.location ? state.location.timezone : undefined;
  }

  function hue(text) {
    let n = 0;
    for (const ch of text) n = (n * 31 + ch.codePointAt(0)) % 360;
    return 8 + (n % 34); // warm: terracotta to amber
  }

  function initials(name) {
    const words = name.replace(/[^\p{L}\p{N}\s]/gu, " ").trim().split(/\s+/).filter(Boolean);
    return words.slice(0, 2).map((w) => w[0].toUpperCase()).join("") || "•";
  }

  function fillPhoto(box, item) {
    box.replaceChildren();
    box.classList.add("no-photo");
    box.style.setProperty("--hue", String(hue(item.name)));
    box.append(h("span", { class: "photo-initials", "aria-hidden": "true", text: initials(item.name) }));
    if (!item.photo_url) return;
    const img = h("img", { alt: "", loading: "lazy", decoding: "async" });
    img.addEventListener("load", () => box.classList.remove("no-photo"));
    img.addEventListener("error", () => img.remove());
    img.src = item.photo_url;
    box.append(img);
  }

  async function api(method, path, body, headers) {
    const init = {
      method,
      headers: { Authorization: `Bearer ${KEY}`, Accept: "application/json", ...(headers || {}) },
      cache: "no-cache",
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, init);
    let data = null;
    if (response.status !== 204 && response.status !== 304) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    return { status: response.status, ok: response.ok, data, headers: response.headers };
  }

  function apiProblems(data) {
    const error = data && data.error;
    if (!error) return [{ code: "unknown", message: "Something went wrong. Please try again.", field: null }];
    return error.problems && error.problems.length ? error.problems : [error];
  }

  function show(view) {
    root.dataset.view = view;
    for (const section of $$(".view", root)) section.hidden = section.id !== `view-${view}`;
    closeCart();
    if (view !== "order") stopPolling();
    window.scrollTo({ top: 0 });
  }

  // Locations -----------------------------------------------------------------------

  function statusText(location) {
    if (location.status === "open") return "Open now";
    if (location.status === "paused") {
      return location.paused_until
        ? `Paused until ${timeIn(location.timezone, location.paused_until)}`
        : "Not taking orders right now";
    }
    return location.opens_at ? `Closed · opens ${timeIn(location.timezone, location.opens_at, true)}` : "Closed";
  }

  async function loadLocations() {
    const list = $("#location-list");
    try {
      const res = await api("GET", "/locations");
      if (!res.ok) throw new Error(apiProblems(res.data)[0].message);
      state.locations = res.data.locations;
    } catch (e) {
      list.replaceChildren(h("p", { class: "banner bad", text: `Couldn't load the cafés: ${e.message}` }));
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    state.locations.sort((a, b) => a.name.localeCompare(b.name));
    list.replaceChildren(
      ...state.locations.map((location) =>
        h("button", {
          type: "button",
          class: `location-card status-${location.status}`,
          "data-location-id": location.id,
          onclick: () => selectLocation(location.id),
        },
        h("span", { class: "location-mark", "aria-hidden": "true", text: initials(location.name) }),
        h("span", { class: "location-info" },
          h("strong", { class: "location-name", text: location.name }),
          h("span", { class: "location-status" }, h("i", { class: "dot" }), statusText(location)),
        ),
        h("span", { class: "location-go", "aria-hidden": "true", text: "→" }))
      )
    );
  }

  async function selectLocation(id) {
    const location = state.locations.find((l) => l.id === id);
    if (!location) return;
    if (state.location && state.location.id !== id) state.cart = [];
    state.location = location;
    $("#brand-name").textContent = location.name;
    document.title = `${location.name} · order online`;
    const chip = $("#location-chip");
    chip.hidden = false;
    $("#cart-location").textContent = `${location.name} · ${statusText(location)}`;
    const banner = $("#closed-banner");
    banner.hidden = location.status === "open";
    banner.textContent = `${location.name} is not taking orders right now (${statusText(location).toLowerCase()}). You can still look around.`;
    show("menu");
    renderCart();
    await loadMenu(location.id);
  }

  // Menu ----------------------------------------------------------------------------

  async function loadMenu(locationId) {
    const menuBox = $("#menu");
    const cached = state.menus.get(locationId);
    menuBox.setAttribute("aria-busy", "true");
    try {
      const res = await api("GET", `/locations/${encodeURIComponent(locationId)}/menu`, undefined,
        cached ? { "If-None-Match": cached.etag } : {});
      if (res.status === 304 && cached) {
        state.menu = cached.menu;
      } else if (res.ok) {
        state.menu = res.data;
        state.menus.set(locationId, { etag: res.headers.get("ETag"), menu: res.data });
      } else if (res.status === 404 && apiProblems(res.data)[0].code === "menu_not_published") {
        // A new location's menu is still being imported from the POS: look again shortly.
        menuBox.replaceChildren(h("p", { class: "muted loading", text: "The menu is being prepared…" }));
        setTimeout(() => { if (state.location && state.location.id === locationId) loadMenu(locationId); }, 2000);
        return;
      } else {
        throw new Error(apiProblems(res.data)[0].message);
      }
    } catch (e) {
      menuBox.replaceChildren(h("p", { class: "banner bad", text: `Couldn't load the menu: ${e.message}` }));
      menuBox.removeAttribute("aria-busy");
      return;
    }
    if (!state.location || state.location.id !== locationId) return; // switched meanwhile
    renderMenu();
    menuBox.removeAttribute("aria-busy");
  }

  function fromPrice(item) {
    const prices = item.variants.filter((v) => v.available).map((v) => v.price);
    if (!prices.length) return money(item.price);
    const low = Math.min(...prices);
    return prices.some((p) => p !== low) ? `from ${money(low)}` : money(low);
  }

  function itemHint(item) {
    if (item.variants.length) return item.variants.map((v) => v.name).join(" · ");
    return item.modifier_groups.map((g) => g.name).join(" · ");
  }

  function renderMenu() {
    state.items = new Map();
    const nav = $("#category-nav");
    const menuBox = $("#menu");
    const categories = state.menu.categories.filter((c) => c.items.length);
    nav.replaceChildren(
      ...categories.map((category) =>
        h("a", { href: `#cat-${category.id}`, class: "chip", "data-category": category.id, text: category.name,
          onclick: (event) => {
            event.preventDefault();
            document.getElementById(`cat-${category.id}`).scrollIntoView({ behavior: "smooth", block: "start" });
          } })
      )
    );
    if (!categories.length) {
      menuBox.replaceChildren(h("p", { class: "muted", text: "The menu is empty for now." }));
      return;
    }
    menuBox.replaceChildren(
      ...categories.map((category) =>
        h("section", { class: "category", id: `cat-${category.id}`, "aria-label": category.name },
          h("h2", { text: category.name }),
          h("div", { class: "grid" }, category.items.map(renderItemCard)))
      )
    );
    watchCategories(categories);
  }

  function renderItemCard(item) {
    state.items.set(item.id, item);
    const photo = h("div", { class: "photo" });
    fillPhoto(photo, item);
    const hint = item.description || itemHint(item);
    return h("button", {
      type: "button",
      class: `item-card${item.available ? "" : " sold-out"}`,
      "data-item-id": item.id,
      disabled: !item.available,
      onclick: () => openItem(item.id),
    },
    photo,
    h("span", { class: "item-text" },
      h("strong", { class: "item-name", text: item.name }),
      hint ? h("span", { class: "item-hint", text: hint }) : null,
      h("span", { class: "item-bottom" },
        h("span", { class: "price", text: fromPrice(item) }),
        item.available
          ? h("span", { class: "add-mark", "aria-hidden": "true", text: "+" })
          : h("span", { class: "badge", text: "Sold out" }))));
  }

  let categoryObserver = null;
  function watchCategories(categories) {
    if (categoryObserver) categoryObserver.disconnect();
    if (!("IntersectionObserver" in window)) return;
    categoryObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const id = entry.target.id.slice(4);
        for (const chip of $$(".chip", $("#category-nav"))) {
          const on = chip.dataset.category === id;
          chip.classList.toggle("active", on);
          if (on) chip.scrollIntoView({ block: "nearest", inline: "nearest" });
        }
      }
    }, { rootMargin: "-120px 0px -70% 0px" });
    for (const category of categories) categoryObserver.observe(document.getElementById(`cat-${category.id}`));
  }

  // Item dialog ---------------------------------------------------------------------

  function ruleText(group) {
    if (group.min === group.max) return `Choose ${group.min}`;
    if (group.min === 0) return group.max === 1 ? "Optional" : `Optional · up to ${group.max}`;
    return `Choose ${group.min}–${group.max}`;
  }

  function openItem(itemId) {
    const item = state.items.get(itemId);
    if (!item || !item.available) return;
    state.dialog = { item, quantity: 1 };
    const dialog = $("#item-dialog");
    fillPhoto($("#item-photo"), item);
    $("#item-title").textContent = item.name;
    $("#item-price").textContent = fromPrice(item);
    $("#item-description").textContent = item.description;
    $("#item-description").hidden = !item.description;
    $("#item-note").value = "";
    const options = $("#item-options");
    options.replaceChildren();
    if (item.variants.length) {
      options.append(
        h("fieldset", { class: "option-group", "data-group": "variant", "data-min": "1", "data-max": "1" },
          h("legend", {}, h("span", { text: "Size" }), h("span", { class: "rule required", text: "Choose 1" })),
          item.variants.map((variant) =>
            h("label", { class: `option${variant.available ? "" : " unavailable"}` },
              h("input", { type: "radio", name: "variant", value: variant.id, disabled: !variant.available,
                "data-variant-id": variant.id }),
              h("span", { class: "option-name", text: variant.name }),
              h("span", { class: "option-price", text: variant.available ? money(variant.price) : "Sold out" }))
          ))
      );
    }
    for (const group of item.modifier_groups) {
      const exclusive = group.max === 1;
      const type = exclusive && group.min === 1 ? "radio" : "checkbox";
      options.append(
        h("fieldset", {
          class: "option-group", "data-group": group.id, "data-min": String(group.min),
          "data-max": String(group.max), "data-exclusive": exclusive ? "true" : null,
        },
        h("legend", {}, h("span", { text: group.name }),
          h("span", { class: `rule${group.min > 0 ? " required" : ""}`, text: ruleText(group) })),
        group.modifiers.map((modifier) =>
          h("label", { class: `option${modifier.available ? "" : " unavailable"}` },
            h("input", { type, name: `group-${group.id}`, value: modifier.id, disabled: !modifier.available,
              "data-modifier-id": modifier.id }),
            h("span", { class: "option-name", text: modifier.name }),
            h("span", { class: "option-price",
              text: !modifier.available ? "Sold out" : modifier.price ? `+${money(modifier.price)}` : "" }))
        ))
      );
    }
    updateDialog();
    dialog.showModal();
    $("#item-form").scrollTop = 0;
    $(".item-body", dialog).scrollTop = 0;
  }

  function chosen() {
    const { item } = state.dialog;
    const variantInput = $('input[name="variant"]:checked', $("#item-options"));
    const variant = variantInput ? item.variants.find((v) => v.id === variantInput.value) : null;
    const modifiers = [];
    for (const group of item.modifier_groups) {
      for (const input of $$(`input[name="group-${group.id}"]:checked`, $("#item-options"))) {
        const modifier = group.modifiers.find((m) => m.id === input.value);
        modifiers.push({ id: modifier.id, name: modifier.name, price: modifier.price, quantity: 1 });
      }
    }
    return { variant, modifiers };
  }

  function updateDialog(changed) {
    const { item } = state.dialog;
    let valid = true;
    for (const fieldset of $$(".option-group", $("#item-options"))) {
      const min = Number(fieldset.dataset.min);
      const max = Number(fieldset.dataset.max);
      const inputs = $$("input", fieldset);
      if (fieldset.dataset.exclusive && changed && changed.checked && inputs.includes(changed)) {
        for (const input of inputs) if (input !== changed) input.checked = false;
      }
      const count = inputs.filter((i) => i.checked).length;
      if (!fieldset.dataset.exclusive && fieldset.dataset.group !== "variant") {
        for (const input of inputs) {
          const full = count >= max && !input.checked;
          input.disabled = full || input.closest(".option").classList.contains("unavailable");
          input.closest(".option").classList.toggle("full", full);
        }
      }
      const ok = count >= min && count <= max;
      fieldset.classList.toggle("satisfied", ok && min > 0);
      fieldset.classList.toggle("missing", !ok);
      if (!ok) valid = false;
    }
    const { variant, modifiers } = chosen();
    const unit = (variant ? variant.price : item.price) + modifiers.reduce((s, m) => s + m.price * m.quantity, 0);
    const quantity = state.dialog.quantity;
    $("#item-quantity").textContent = String(quantity);
    const add = $("#item-add");
    add.disabled = !valid;
    add.textContent = valid
      ? `Add ${quantity > 1 ? quantity + " " : ""}to order · ${money(unit * quantity)}`
      : "Choose the options";
  }

  function addFromDialog() {
    if ($("#item-add").disabled) return;
    const { item, quantity } = state.dialog;
    const { variant, modifiers } = chosen();
    const note = $("#item-note").value.trim();
    const unit = (variant ? variant.price : item.price) + modifiers.reduce((s, m) => s + m.price * m.quantity, 0);
    const signature = JSON.stringify([item.id, variant && variant.id, modifiers.map((m) => m.id), note]);
    const same = state.cart.find((line) => line.signature === signature);
    if (same) {
      same.quantity = Math.min(MAX_QUANTITY, same.quantity + quantity);
    } else {
      state.cart.push({
        signature, itemId: item.id, name: item.name, variantId: variant ? variant.id : null,
        variantName: variant ? variant.name : "", modifiers, note, unit, quantity,
      });
    }
    $("#item-dialog").close();
    renderCart();
    bump();
  }

  function bump() {
    const bar = $("#cart-bar");
    bar.classList.remove("bump");
    void bar.offsetWidth;
    bar.classList.add("bump");
  }

  // Cart ----------------------------------------------------------------------------

  function cartTotal() {
    return state.cart.reduce((sum, line) => sum + line.unit * line.quantity, 0);
  }

  function renderCart() {
    const list = $("#cart-lines");
    list.replaceChildren(
      ...state.cart.map((line, index) => {
        const details = [line.variantName, ...line.modifiers.map((m) => m.name)].filter(Boolean).join(", ");
        return h("li", { class: "cart-line", "data-line": String(index) },
          h("div", { class: "cart-line-main" },
            h("span", { class: "cart-line-name", text: line.name }),
            h("strong", { class: "cart-line-total", text: money(line.unit * line.quantity) })),
          details ? h("div", { class: "cart-line-details", text: details }) : null,
          line.note ? h("div", { class: "cart-line-details", text: `“${line.note}”` }) : null,
          h("div", { class: "cart-line-controls" },
            h("div", { class: "stepper small" },
              h("button", { type: "button", "aria-label": `One less ${line.name}`, text: "−",
                onclick: () => changeQuantity(index, -1) }),
              h("output", { text: String(line.quantity) }),
              h("button", { type: "button", "aria-label": `One more ${line.name}`, text: "+",
                disabled: line.quantity >= MAX_QUANTITY, onclick: () => changeQuantity(index, 1) })),
            h("span", { class: "muted small", text: `${money(line.unit)} each` })),
          h("p", { class: "field-error line-error", "aria-live": "polite" }));
      })
    );
    const count = state.cart.reduce((n, line) => n + line.quantity, 0);
    const total = cartTotal();
    $("#cart-empty").hidden = state.cart.length > 0;
    $("#cart-totals").hidden = state.cart.length === 0;
    $("#cart-total").textContent = money(total);
    const open = !state.location || state.location.status === "open";
    const checkout = $("#checkout-button");
    checkout.disabled = state.cart.length === 0 || !open;
    checkout.textContent = !open ? "Not taking orders now" : state.cart.length ? `Checkout · ${money(total)}` : "Checkout";
    checkout.hidden = root.dataset.view === "checkout";
    const bar = $("#cart-bar");
    bar.hidden = state.cart.length === 0 || !["menu", "checkout"].includes(root.dataset.view);
    $(".cart-bar-count", bar).textContent = String(count);
    $(".cart-bar-total", bar).textContent = money(total);
    $("#place-order").textContent = `Place order · ${money(total)}`;
    if (!state.cart.length && root.dataset.view === "checkout") show("menu");
  }

  function changeQuantity(index, delta) {
    const line = state.cart[index];
    if (!line) return;
    line.quantity = Math.min(MAX_QUANTITY, line.quantity + delta);
    if (line.quantity <= 0) state.cart.splice(index, 1);
    renderCart();
  }

  function openCart() {
    root.classList.add("cart-open");
    $("#scrim").hidden = false;
  }

  function closeCart() {
    root.classList.remove("cart-open");
    $("#scrim").hidden = true;
  }

  // Checkout ------------------------------------------------------------------------

  function startCheckout() {
    if (!state.cart.length) return;
    show("checkout");
    clearErrors();
    fillTimes();
    syncFulfillment();
    renderCart();
    $("#f-name").focus({ preventScroll: true });
  }

  function fillTimes() {
    const select = $("#f-time");
    const previous = select.value;
    const slots = [h("option", { value: "", text: "As soon as possible" })];
    const step = 15 * 60 * 1000;
    let at = Math.ceil((Date.now() + 30 * 60 * 1000) / step) * step;
    for (let i = 0; i < 16; i += 1, at += step) {
      const iso = new Date(at).toISOString();
      slots.push(h("option", { value: iso, text: timeIn(zone(), iso) }));
    }
    select.replaceChildren(...slots);
    if ($$("option", select).some((o) => o.value === previous)) select.value = previous;
  }

  function fulfillmentType() {
    return $('input[name="fulfillment"]:checked').value;
  }

  function syncFulfillment() {
    const type = fulfillmentType();
    $("#delivery-fields").hidden = type !== "delivery";
    $("#table-fields").hidden = type !== "dine_in";
    $("#time-label").textContent = { pickup: "Pickup time", delivery: "Delivery time", dine_in: "Serve at" }[type];
    $("#pay-later-label").textContent = {
      pickup: "Pay at pickup", delivery: "Pay the courier", dine_in: "Pay at the table",
    }[type];
  }

  function orderBody() {
    const type = fulfillmentType();
    const fulfillment = { type };
    if ($("#f-time").value) fulfillment.time = $("#f-time").value;
    if (type === "delivery") {
      fulfillment.address = { line1: $("#f-line1").value.trim(), city: $("#f-city").value.trim() };
    }
    if (type === "dine_in") fulfillment.table = $("#f-table").value.trim();
    const paid = $('input[name="payment"]:checked').value === "paid";
    return {
      location_id: state.location.id,
      items: state.cart.map((line) => ({
        item_id: line.itemId,
        variant_id: line.variantId,
        quantity: line.quantity,
        modifiers: line.modifiers.map((m) => ({ modifier_id: m.id, quantity: m.quantity })),
        note: line.note,
      })),
      customer: {
        name: $("#f-name").value.trim(),
        phone: $("#f-phone").value.trim(),
        email: $("#f-email").value.trim() || null,
      },
      fulfillment,
      payment: { status: paid ? "paid" : "unpaid", amount: cartTotal(), currency: currency() },
      note: $("#f-note").value.trim(),
    };
  }

  function localProblems(body) {
    const problems = [];
    const need = (value, field, message) => { if (!value) problems.push({ field, message }); };
    need(body.customer.name, "customer.name", "Please tell us your name.");
    need(body.customer.phone, "customer.phone", "We need a phone number to reach you about the order.");
    if (body.fulfillment.type === "delivery") {
      need(body.fulfillment.address.line1, "fulfillment.address.line1", "Where should we bring it?");
    }
    if (body.fulfillment.type === "dine_in") need(body.fulfillment.table, "fulfillment.table", "Which table are you at?");
    return problems;
  }

  function clearErrors() {
    for (const el of $$(".has-error", root)) el.classList.remove("has-error");
    for (const el of $$(".field-error", root)) el.textContent = "";
    for (const input of $$("[aria-invalid]", root)) input.removeAttribute("aria-invalid");
    const banner = $("#checkout-error");
    banner.hidden = true;
    banner.textContent = "";
  }

  function slotFor(field) {
    const line = /^items\[(\d+)\]/.exec(field || "");
    if (line) return $(`.cart-line[data-line="${line[1]}"]`);
    let path = field || "";
    while (path) {
      const slot = $(`#checkout-form [data-field="${CSS.escape(path)}"]`);
      if (slot) return slot;
      path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    }
    return null;
  }

  function showProblems(problems) {
    const general = [];
    let first = null;
    for (const raw of problems) {
      const message = raw.message ? raw.message[0].toUpperCase() + raw.message.slice(1) : "Please check this.";
      const problem = { ...raw, message };
      const slot = slotFor(problem.field);
      const out = slot && $$(".field-error", slot).find((p) => p.closest("[data-field], .cart-line") === slot);
      if (!out) {
        general.push(problem.message);
        continue;
      }
      slot.classList.add("has-error");
      out.textContent = out.textContent ? `${out.textContent} ${problem.message}` : problem.message;
      const input = $("input, select, textarea", slot);
      if (input) input.setAttribute("aria-invalid", "true");
      first = first || slot;
    }
    if (general.length) {
      const banner = $("#checkout-error");
      banner.textContent = general.join(" ");
      banner.hidden = false;
      first = banner;
    }
    if (first) {
      first.scrollIntoView({ block: "center" });
      const input = $("input, select, textarea", first);
      if (input && !input.closest(".cart")) input.focus({ preventScroll: true });
    }
  }

  async function placeOrder(event) {
    event.preventDefault();
    const button = $("#place-order");
    if (button.disabled || !state.cart.length) return;
    clearErrors();
    const body = orderBody();
    const problems = localProblems(body);
    if (problems.length) {
      showProblems(problems);
      return;
    }
    // One Idempotency-Key per attempt: sending the same order again (after a timeout or
    // a lost answer) reuses it, so the hub answers the order it already has.
    const fingerprint = JSON.stringify(body);
    if (!state.attempt || state.attempt.fingerprint !== fingerprint) {
      state.attempt = { key: uuid(), channelOrderId: `shop-${uuid().slice(0, 8)}`, fingerprint };
    }
    body.channel_order_id = state.attempt.channelOrderId;
    button.disabled = true;
    button.classList.add("busy");
    button.textContent = "Placing your order…";
    let res;
    try {
      res = await api("POST", "/orders", body, { "Idempotency-Key": state.attempt.key });
    } catch (e) {
      res = null;
    } finally {
      button.disabled = false;
      button.classList.remove("busy");
      renderCart();
    }
    if (res === null || res.status >= 500) {
      showProblems([{ field: null, message: "We couldn't reach the café. Check your connection and try again — you won't be charged twice." }]);
      return;
    }
    if (!res.ok) {
      const problems = apiProblems(res.data);
      showProblems(problems);
      // Something on the menu changed under the customer: show the menu as it is now.
      if (problems.some((p) => /^items\[/.test(p.field || ""))) loadMenu(state.location.id);
      return;
    }
    state.attempt = null;
    state.cart = [];
    openOrder(res.data.id, res.data);
    renderCart();
  }

  // Order status --------------------------------------------------------------------

  const STATUS = {
    received: { title: "Order received", text: "We've got your order and are passing it to the café." },
    submitted: { title: "Waiting for the café", text: "Your order is on the café's register. They'll confirm it in a moment." },
    accepted: { title: "Accepted — being prepared", text: "The café has confirmed your order and is preparing it." },
    completed: { title: "Completed", text: "Your order is done. Enjoy your meal!" },
    declined: { title: "Declined by the café", text: "Sorry — the café can't take this order right now." },
    canceled: { title: "Canceled", text: "This order was canceled." },
    failed: { title: "Couldn't reach the café", text: "We couldn't pass your order on. The café has been alerted — please give them a call." },
  };
  const EVENTS = {
    "order.received": "Order placed",
    "order.submitted": "Sent to the café's register",
    "order.accepted": "Accepted by the café",
    "order.completed": "Completed",
    "order.declined": "Declined by the café",
    "order.canceled": "Canceled",
    "order.failed": "Couldn't reach the café",
    "order.replayed": "Sent again",
    "pos.retry": "Trying the café's register again",
    "pos.found": "Found on the café's register",
  };
  const STEPS = [
    ["received", "Received"],
    ["submitted", "Sent to café"],
    ["accepted", "Accepted"],
    ["completed", "Completed"],
  ];

  function openOrder(orderId, known) {
    history.replaceState(null, "", `#order/${encodeURIComponent(orderId)}`);
    state.order = known || null;
    show("order");
    state.pollFailures = 0;
    $("#live").hidden = false;
    if (known) renderOrder(known);
    else {
      $("#order-status").textContent = "Loading your order…";
      $("#order-status").dataset.status = "";
    }
    poll(orderId);
  }

  async function poll(orderId) {
    stopPolling();
    let delay = POLL_MS;
    try {
      const res = await api("GET", `/orders/${encodeURIComponent(orderId)}`);
      if (res.ok) {
        state.pollFailures = 0;
        state.order = res.data;
        renderOrder(res.data);
        if (FINAL.has(res.data.status)) {
          $("#live").hidden = true;
          return;
        }
      } else if (res.status === 404) {
        $("#order-status").textContent = "We can't find this order";
        $("#order-status-text").textContent = "It may belong to another shop.";
        $("#live").hidden = true;
        return;
      } else {
        throw new Error(String(res.status));
      }
    } catch (e) {
      state.pollFailures += 1;
      delay = Math.min(10000, POLL_MS * 2 ** state.pollFailures);
    }
    if (root.dataset.view !== "order") return;
    $("#live").classList.toggle("stale", state.pollFailures > 0);
    state.pollTimer = setTimeout(() => poll(orderId), delay);
  }

  function stopPolling() {
    if (state.pollTimer) clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  function renderOrder(order) {
    const location = state.locations.find((l) => l.id === order.location_id);
    if (location && (!state.location || state.location.id !== location.id)) state.location = location;
    const info = STATUS[order.status] || { title: order.status, text: "" };
    const heading = $("#order-status");
    if (heading.dataset.status !== order.status) {
      heading.textContent = info.title;
      heading.dataset.status = order.status;
      $("#order-hero").dataset.status = order.status;
    }
    let text = info.text;
    const paid = order.payment && order.payment.status === "paid";
    if (["declined", "canceled"].includes(order.status) && paid) text += " Your payment will be refunded.";
    if (order.status === "accepted" && order.fulfillment.type === "pickup") text += " We'll have it ready at the counter.";
    $("#order-status-text").textContent = text;
    $("#order-ref").textContent = `Order ${order.channel_order_id}${location ? " · " + location.name : ""}`;
    renderSteps(order);
    renderTimeline(order);
    renderSummary(order);
  }

  function renderSteps(order) {
    const reached = new Set(order.timeline.map((e) => e.status));
    reached.add(order.status);
    const bad = ["declined", "canceled", "failed"].includes(order.status) ? order.status : null;
    const steps = [];
    let stopped = false;
    for (const [status, label] of STEPS) {
      if (stopped) break;
      if (bad && !reached.has(status)) {
        steps.push(h("li", { class: "step bad", "data-step": bad, text: STATUS[bad].title.split(" ")[0] }));
        stopped = true;
        break;
      }
      const current = status === order.status;
      steps.push(h("li", { class: `step${reached.has(status) ? " done" : ""}${current ? " current" : ""}`,
        "data-step": status, text: label }));
    }
    $("#order-steps").replaceChildren(...steps);
  }

  function renderTimeline(order) {
    const zoneName = state.location ? state.location.timezone : undefined;
    const entries = order.timeline.filter((e) => EVENTS[e.event]);
    $("#order-timeline").replaceChildren(
      ...entries.slice().reverse().map((entry) =>
        h("li", { class: `event status-${entry.status}`, "data-event": entry.event },
          h("time", { datetime: entry.at, text: timeIn(zoneName, entry.at) }),
          h("span", { text: EVENTS[entry.event] })))
    );
  }

  function fulfillmentText(order) {
    const f = order.fulfillment;
    const when = f.time ? timeIn(zone(), f.time, true) : "as soon as possible";
    if (f.type === "delivery") return `Delivery to ${[f.address && f.address.line1, f.address && f.address.city].filter(Boolean).join(", ")}, ${when}`;
    if (f.type === "dine_in") return `Dine in at table ${f.table}, ${when}`;
    return `Pickup, ${when}`;
  }

  function renderSummary(order) {
    const code = order.totals.currency;
    const lines = order.items.map((line) =>
      h("li", { class: "summary-line" },
        h("span", { class: "summary-qty", text: `${line.quantity}×` }),
        h("span", { class: "summary-name" }, line.name,
          line.modifiers.length ? h("small", { text: line.modifiers.map((m) => m.name).join(", ") }) : null),
        h("span", { class: "summary-price", text: money(line.total, code) }))
    );
    const paid = order.totals.paid;
    $("#order-summary").replaceChildren(
      h("ul", { class: "summary-lines" }, lines),
      h("div", { class: "total-row" }, h("span", { text: "Total" }), h("strong", { text: money(order.totals.total, code) })),
      h("p", { class: "summary-note" },
        paid ? `Paid online ${money(paid, code)}` : `To pay: ${money(order.totals.due, code)}`,
        h("br"), fulfillmentText(order)),
    );
  }

  // Wiring --------------------------------------------------------------------------

  const ACTIONS = {
    "back-to-menu": () => { show("menu"); renderCart(); },
    "new-order": () => {
      history.replaceState(null, "", location.pathname);
      state.order = null;
      if (state.location) selectLocation(state.location.id);
      else show("locations");
      renderCart();
    },
    checkout: startCheckout,
    "open-cart": () => (root.dataset.view === "menu" ? openCart() : $("#cart").scrollIntoView({ behavior: "smooth" })),
    "close-cart": closeCart,
    "close-dialog": () => $("#item-dialog").close(),
    "item-less": () => { state.dialog.quantity = Math.max(1, state.dialog.quantity - 1); updateDialog(); },
    "item-more": () => { state.dialog.quantity = Math.min(MAX_QUANTITY, state.dialog.quantity + 1); updateDialog(); },
  };

  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action]");
    if (target && ACTIONS[target.dataset.action]) ACTIONS[target.dataset.action](event);
  });
  $("#location-chip").addEventListener("click", () => { show("locations"); renderCart(); });
  $("#item-options").addEventListener("change", (event) => updateDialog(event.target));
  $("#item-form").addEventListener("submit", (event) => { event.preventDefault(); addFromDialog(); });
  $("#item-dialog").addEventListener("click", (event) => {
    if (event.target === event.currentTarget) event.currentTarget.close(); // the backdrop
  });
  $("#checkout-form").addEventListener("submit", placeOrder);
  for (const radio of $$('input[name="fulfillment"]')) radio.addEventListener("change", syncFulfillment);
  $("#checkout-form").addEventListener("input", (event) => {
    const slot = event.target.closest("[data-field]");
    if (slot && slot.classList.contains("has-error")) {
      slot.classList.remove("has-error");
      for (const p of $$(".field-error", slot)) p.textContent = "";
      event.target.removeAttribute("aria-invalid");
    }
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeCart(); });

  async function start() {
    await loadLocations();
    const match = /^#order\/(.+)$/.exec(location.hash);
    if (match) openOrder(decodeURIComponent(match[1]));
    else show("locations");
    renderCart();
  }

  start();
})();
