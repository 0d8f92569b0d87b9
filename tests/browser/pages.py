"""What the browser tests do on a page besides clicking: sign in as a person would, keep a screenshot, and
check the page with axe-core (every page a test looks at, in the language the test reads it in)."""

from tests.paths import ARTIFACTS, ROOT

# axe-core from npm (package.json), never a CDN. It is evaluated in the page rather than added as a script
# element: the portal's CSP refuses inline scripts, and a refused script would fail the test for the wrong reason.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA only: the best-practice rules are advice, and every extra rule costs time on every shot.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING = {"serious", "critical"}

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(1).join(" ").trim())}));
}"""


def accessibility_violations(page) -> list[str]:
    """The serious and critical axe violations of the page as it is now, each naming its rule and elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = []
    for violation in page.evaluate(_RUN_AXE, AXE_TAGS):
        if violation["impact"] in AXE_FAILING:
            nodes = "; ".join(violation["nodes"][:5])
            found.append(f"{violation['id']} ({violation['impact']}: {violation['help']}): {nodes}")
    return found


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations = accessibility_violations(page)
    assert not violations, f"axe on {page.url} ({name}):\n" + "\n".join(violations)


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        # The code the person's phone shows now.
        from portal.accounts.models import User
        from tests.factories import totp_code

        page.fill("#id_token", totp_code(User.objects.get(username=username)))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
