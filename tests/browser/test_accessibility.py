"""axe-core finds no WCAG 2.2 AA violation on any kind of page, in light or dark mode."""

import pytest

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_KINDS = ["home", "article", "topic", "topics-index", "archives", "search", "404"]


def axe_violations(page, axe_script):
    """Run axe-core on the loaded page; return its violations (WCAG 2.2 AA rules only)."""
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        }).then(result => result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
        })))""",
        WCAG_TAGS,
    )


def describe(violations):
    """One readable paragraph per violation, naming the elements and what fails."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_wcag_violations(any_site, new_page, axe_script, kind, scheme):
    site_url, pages = any_site
    path = pages[kind]
    assert path, f"the built site has no {kind} page to check"
    # bypass_csp: the page's own Content-Security-Policy must not stop axe being injected.
    page = new_page(color_scheme=scheme, bypass_csp=True)
    response = page.goto(site_url + path, wait_until="networkidle")
    assert response.ok, f"{path} answered {response.status}"
    violations = axe_violations(page, axe_script)
    assert not violations, f"{path} in {scheme} mode:\n{describe(violations)}"


def test_axe_reports_a_real_violation(fixture_site_url, new_page, axe_script):
    """The harness itself works: an image without alt text on a served page is reported."""
    page = new_page(bypass_csp=True)
    page.goto(fixture_site_url + "/", wait_until="networkidle")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in {violation["id"] for violation in axe_violations(page, axe_script)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_wcag_violations(search_site_url, new_page, axe_script, scheme):
    """The results search.js draws are checked too, not only the empty page."""
    page = new_page(color_scheme=scheme, bypass_csp=True)
    page.goto(search_site_url + "/search/?q=HCPC", wait_until="networkidle")
    page.locator(".search-result").first.wait_for()
    violations = axe_violations(page, axe_script)
    assert not violations, f"/search/?q=HCPC in {scheme} mode:\n{describe(violations)}"
