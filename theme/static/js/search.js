// Live search for /search/ over the Pagefind index that `make html` builds.
// Loaded as a module (deferred, never render-blocking). Without it the page's plain GET form
// and its topic and archive links still work; with it, results and excerpts appear as you type.
// Pagefind fetches only the index chunks and result fragments a query needs.

const PAGE_SIZE = 10;

const form = document.querySelector("form[data-search-bundle]");
if (form) {
  start(form);
}

async function start(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const results = document.getElementById("search-results");
  const params = new URLSearchParams(window.location.search);
  const bundle = new URL(form.dataset.searchBundle, document.baseURI);
  const root = new URL(form.dataset.siteRoot, document.baseURI);

  status.textContent = "Loading search…";
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind.js", bundle).href);
    // Result URLs are written from the site root; this keeps them right under a sub-path.
    await pagefind.options({ baseUrl: root.pathname, excerptLength: 30 });
    await pagefind.init();
  } catch (error) {
    status.textContent =
      "Search could not start in this browser. Every post is in the topics and archives below.";
    console.error(error);
    return;
  }

  const themeSelect = await addThemeFilter(form, pagefind, params.get("theme") || "");
  let latest = 0;
  let shownCount = PAGE_SIZE;

  async function run() {
    const ticket = ++latest;
    const term = input.value.trim();
    const theme = themeSelect ? themeSelect.value : "";
    remember(term, theme);
    if (!term && !theme) {
      results.hidden = true;
      results.replaceChildren();
      status.textContent = "Type a word to search every post, or choose a theme.";
      return;
    }
    const options = theme ? { filters: { theme } } : {};
    const search = await pagefind.debouncedSearch(term || null, options, 200);
    // null: a newer keystroke replaced this search; a lower ticket: a newer one finished first.
    if (search === null || ticket !== latest) {
      return;
    }
    const page = search.results.slice(0, shownCount);
    const items = await Promise.all(page.map((result) => result.data()));
    if (ticket !== latest) {
      return;
    }
    render(results, items, search.results.length, () => {
      shownCount += PAGE_SIZE;
      run();
    });
    status.textContent = describe(search.results.length, term, theme);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    shownCount = PAGE_SIZE;
    run();
  });
  input.addEventListener("input", () => {
    shownCount = PAGE_SIZE;
    run();
  });
  if (themeSelect) {
    themeSelect.addEventListener("change", () => {
      shownCount = PAGE_SIZE;
      run();
    });
  }

  input.value = params.get("q") || "";
  run();
}

// A "Theme" select built from the index's theme filter; null when no post has a theme.
async function addThemeFilter(form, pagefind, selected) {
  const filters = await pagefind.filters();
  const themes = Object.keys((filters && filters.theme) || {}).sort((a, b) =>
    a.localeCompare(b),
  );
  if (themes.length === 0) {
    return null;
  }
  const wrapper = document.createElement("div");
  wrapper.className = "search-filter";
  const label = document.createElement("label");
  label.htmlFor = "search-theme";
  label.textContent = "Theme";
  const select = document.createElement("select");
  select.id = "search-theme";
  select.name = "theme";
  select.append(new Option("All themes", ""));
  for (const name of themes) {
    select.append(new Option(`${name} (${filters.theme[name]})`, name, false, name === selected));
  }
  wrapper.append(label, select);
  form.append(wrapper);
  return select;
}

function render(container, items, total, showMore) {
  const list = document.createElement("ol");
  list.className = "search-list";
  for (const item of items) {
    const entry = document.createElement("li");
    entry.className = "search-result";
    const heading = document.createElement("h2");
    heading.className = "search-result-title";
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = (item.meta && item.meta.title) || item.url;
    heading.append(link);
    entry.append(heading);
    // The post's date, as its page shows it (data-pagefind-meta="date" in article.html).
    const date = item.meta && item.meta.date;
    const themes = (item.filters && item.filters.theme) || [];
    if (date || themes.length) {
      const meta = document.createElement("p");
      meta.className = "meta";
      if (date) {
        const when = document.createElement("span");
        when.className = "search-date";
        when.textContent = date;
        meta.append(when);
      }
      if (date && themes.length) {
        meta.append(" · ");
      }
      if (themes.length) {
        meta.append(`Themes: ${themes.join(", ")}`);
      }
      entry.append(meta);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.append(...excerptNodes(item.excerpt));
    entry.append(excerpt);
    list.append(entry);
  }
  const parts = [list];
  if (items.length < total) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.textContent = `Show more results (${total - items.length} left)`;
    more.addEventListener("click", showMore);
    parts.push(more);
  }
  container.replaceChildren(...parts);
  container.hidden = items.length === 0;
}

// Pagefind's excerpt is text with <mark> around matches: keep exactly that, nothing else.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html || ""}</p>`, "text/html");
  return Array.from(parsed.body.firstChild.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function describe(count, term, theme) {
  const posts = count === 1 ? "1 post" : `${count} posts`;
  const what = term ? ` for “${term}”` : "";
  const where = theme ? ` in the theme ${theme}` : "";
  return count === 0
    ? `No posts found${what}${where}. Try fewer or different words.`
    : `${posts} found${what}${where}.`;
}

// Keep the query in the address, so a search can be bookmarked, shared or reloaded.
function remember(term, theme) {
  const params = new URLSearchParams();
  if (term) {
    params.set("q", term);
  }
  if (theme) {
    params.set("theme", theme);
  }
  const query = params.toString();
  window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}
