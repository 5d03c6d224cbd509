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
    pagefind = await openIndex(bundle, root, form.dataset.searchParts || "");
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
    const search = await pagefind.debouncedSearch(term || null, options);
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

// The site's index: one Pagefind bundle, or for a big site the bundle and the parts named in
// PARTS ("part-2/ part-3/", SEARCH_PART_PAGES), searched together as one index. Each part is
// a bundle of its own, opened with its own copy of Pagefind, so no state is shared.
async function openIndex(bundle, root, parts) {
  // Result URLs are written from the site root; this keeps them right under a sub-path.
  const options = { baseUrl: root.pathname, excerptLength: 30 };
  const folders = [bundle, ...parts.split(" ").filter(Boolean).map((p) => new URL(p, bundle))];
  const indexes = [];
  for (const folder of folders) {
    const index = await import(new URL("pagefind.js", folder).href);
    await index.options(options);
    await index.init();
    indexes.push(index);
  }
  if (indexes.length === 1) {
    return {
      filters: () => indexes[0].filters(),
      debouncedSearch: (term, options) => indexes[0].debouncedSearch(term, options, 200),
    };
  }
  return {
    filters: () => allFilters(indexes),
    debouncedSearch: (term, options) => searchAll(indexes, term, options),
  };
}

// Every part's search for TERM, as one index's: null when a newer keystroke replaced it.
async function searchAll(indexes, term, options) {
  const searches = await Promise.all(
    indexes.map((index) => index.debouncedSearch(term, options, 200)),
  );
  if (searches.some((search) => search === null)) {
    return null;
  }
  // Pagefind matches a word it does not hold by a shorter start of it ("ofsted" as "of"). A
  // part that lacks a word another part holds would answer with such matches, where one
  // index of the whole site finds only the posts with the word: that part's results go.
  const words = (term || "").split(/\s+/).map(plain).filter(Boolean);
  const held = await Promise.all(
    indexes.map((index) => Promise.all(words.map((word) => heldLength(index, word)))),
  );
  const best = words.map((_, n) => Math.max(...held.map((lengths) => lengths[n])));
  const results = searches
    .filter((_, part) => held[part].every((length, n) => length === best[n]))
    .flatMap((search) => search.results)
    .sort((a, b) => b.score - a.score);
  return { results };
}

// How much of WORD the index matches: the longest start it shares with a word the first
// result matched (the whole word, or a shorter start Pagefind fell back to); 0 for none.
async function heldLength(index, word) {
  const search = await index.search(word);
  if (search.results.length === 0) {
    return 0;
  }
  const first = search.results[0];
  const content = (await first.data()).content.split(/\s+/);
  let longest = 0;
  for (const position of first.words) {
    const found = plain(content[position] || "");
    let length = 0;
    while (length < word.length && found[length] === word[length]) {
      length += 1;
    }
    longest = Math.max(longest, length);
  }
  return longest;
}

// TEXT as Pagefind compares words: lower case, letters and digits only.
function plain(text) {
  return text.toLocaleLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

// The theme filter's values with their counts summed over every index.
async function allFilters(indexes) {
  const merged = {};
  for (const filters of await Promise.all(indexes.map((index) => index.filters()))) {
    for (const [name, values] of Object.entries(filters || {})) {
      merged[name] = merged[name] || {};
      for (const [value, count] of Object.entries(values)) {
        merged[name][value] = (merged[name][value] || 0) + count;
      }
    }
  }
  return merged;
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
