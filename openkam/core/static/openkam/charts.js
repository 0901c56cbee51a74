// Interactive charts: renders every <div data-chart-spec-id="ID"> from the Vega-Lite spec in
// <script type="application/json" id="ID"> (Django's json_script) with the vega-embed bundle
// served at charts/vega.js, which must be loaded before this file.
//
// The page runs under a strict Content Security Policy (no eval, no inline styles), so:
// - expressions go through Vega's CSP-safe interpreter (ast: true), never `new Function`;
// - vega-embed's injected stylesheet, action menu and vega-tooltip (which injects a <style>
//   element) are all switched off; the tooltip below builds its DOM with textContent and sets
//   its position through CSSOM properties (element.style.left), which the CSP allows;
// - a mark whose datum has a `url` navigates there on click, but only to a same-origin path.
(() => {
  "use strict";

  const TOOLTIP_OFFSET = 12;
  let tooltip = null;

  function tooltipElement() {
    if (tooltip === null) {
      tooltip = document.createElement("div");
      tooltip.className = "chart-tooltip";
      tooltip.setAttribute("role", "tooltip");
      const style = tooltip.style;
      style.position = "fixed";
      style.zIndex = "1000";
      style.pointerEvents = "none";
      style.background = "#fff";
      style.color = "#1f2933";
      style.border = "1px solid #9aa5b1";
      style.borderRadius = "3px";
      style.padding = "4px 8px";
      style.font = "12px/1.4 system-ui, sans-serif";
      style.boxShadow = "0 2px 6px rgba(0, 0, 0, 0.15)";
      style.display = "none";
      document.body.append(tooltip);
    }
    return tooltip;
  }

  function tooltipContent(value) {
    const fragment = document.createDocumentFragment();
    if (value !== null && typeof value === "object") {
      const table = document.createElement("table");
      for (const [key, text] of Object.entries(value)) {
        const row = table.insertRow();
        const head = document.createElement("th");
        head.scope = "row";
        head.textContent = key;
        head.style.textAlign = "left";
        head.style.fontWeight = "600";
        head.style.paddingRight = "8px";
        row.append(head);
        row.insertCell().textContent = String(text);
      }
      fragment.append(table);
    } else {
      fragment.append(document.createTextNode(String(value)));
    }
    return fragment;
  }

  // Vega calls a tooltip handler with (handler, event, item, value); value null means hide.
  function showTooltip(_handler, event, _item, value) {
    const element = tooltipElement();
    if (value === null || value === undefined || value === "") {
      element.style.display = "none";
      return;
    }
    element.replaceChildren(tooltipContent(value));
    element.style.display = "block";
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    let left = event.clientX + TOOLTIP_OFFSET;
    let top = event.clientY + TOOLTIP_OFFSET;
    if (left + width > window.innerWidth) left = event.clientX - TOOLTIP_OFFSET - width;
    if (top + height > window.innerHeight) top = event.clientY - TOOLTIP_OFFSET - height;
    element.style.left = `${Math.max(0, left)}px`;
    element.style.top = `${Math.max(0, top)}px`;
  }

  function samePageUrl(url) {
    // Only site-relative paths: never "javascript:", another origin or a protocol-relative "//".
    return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.includes("\\");
  }

  function render(container) {
    const source = document.getElementById(container.dataset.chartSpecId);
    if (source === null) return Promise.resolve();
    const spec = JSON.parse(source.textContent);
    const embedOptions = (spec.usermeta && spec.usermeta.embedOptions) || {};
    const options = {
      actions: false,
      defaultStyle: false,
      ast: true,
      renderer: "svg",
      tooltip: showTooltip,
      formatLocale: embedOptions.formatLocale,
      timeFormatLocale: embedOptions.timeFormatLocale,
    };
    container.dataset.chartState = "rendering";
    return window
      .vegaEmbed(container, spec, options)
      .then((result) => {
        result.view.addEventListener("click", (_event, item) => {
          const url = item && item.datum && item.datum.url;
          if (samePageUrl(url)) window.location.assign(url);
        });
        container.dataset.chartState = "ready";
      })
      .catch((error) => {
        container.dataset.chartState = "failed";
        console.error("Chart could not be rendered:", error);
      });
  }

  function renderAll(root) {
    const containers = root.querySelectorAll("[data-chart-spec-id]:not([data-chart-state])");
    return Promise.all(Array.from(containers, render));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => renderAll(document));
  } else {
    renderAll(document);
  }
  // Content swapped in by htmx may bring new charts.
  document.addEventListener("htmx:afterSettle", (event) => renderAll(event.target));
})();
