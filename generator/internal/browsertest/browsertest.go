// Package browsertest starts a real headless Chromium for tests, driven
// with chromedp, and wraps a tab in short helpers. A test that needs the
// browser skips when it is not installed, except under CI (CI=true), where
// it fails: CI must install it.
package browsertest

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/pdf"
)

// Chromium returns the browser executable, or skips (fails under CI).
func Chromium(t testing.TB) string {
	t.Helper()
	if p, err := pdf.Find(""); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: CI must install it (apt-get install -y chromium)")
	}
	t.Skip("Chromium not installed: apt-get install -y chromium to run browser tests")
	return ""
}

// New starts a headless Chromium and returns a context for a tab in it.
func New(t testing.TB, timeout time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	exe := Chromium(t)
	opts := append(pdf.BrowserOptions(exe, t.TempDir()),
		// Tests serve HTTP/2 over TLS from httptest's own certificate.
		chromedp.Flag("ignore-certificate-errors", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	return ctx, func() { cancelT(); cancelC(); cancelA() }
}

// Page wraps a tab: each helper fails the test on error.
type Page struct {
	T   testing.TB
	Ctx context.Context
}

// Do runs actions.
func (p Page) Do(steps ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	if err := chromedp.Do(p.Ctx, steps...); err != nil {
		p.T.Fatal(err)
	}
}

// Text returns the text of the first element matching sel.
func (p Page) Text(sel string) string {
	p.T.Helper()
	s, err := chromedp.Run(p.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.T.Fatal(err)
	}
	return s
}

// Eval evaluates a JavaScript expression that gives a string (promises are awaited).
func (p Page) Eval(expr string) string {
	p.T.Helper()
	s, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.T.Fatal(err)
	}
	return s
}

// WaitFor polls a JavaScript condition until it holds (30 s at most).
func (p Page) WaitFor(expr string) {
	p.T.Helper()
	if _, err := chromedp.Run(p.Ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		p.T.Fatalf("waiting for %s: %v", expr, err)
	}
}

// Attr returns an attribute of the first element matching sel.
func (p Page) Attr(sel, name string) string {
	p.T.Helper()
	r, err := chromedp.Run(p.Ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		p.T.Fatal(err)
	}
	return r.Value
}

// Pages just reached by a navigation are read and driven by script, not
// by chromedp's selectors: those look an element up by a DOM node id, which
// goes stale when the new document replaces the old one during the lookup
// ("Could not find node with given id", seen under CI's load).

// Click waits until the first element matching sel is shown, scrolls it
// into view and clicks its middle with the mouse.
func (p Page) Click(sel string) {
	p.T.Helper()
	q := "document.querySelector(" + strconv.Quote(sel) + ")"
	p.WaitThrough(q + " !== null && " + q + ".getClientRects().length > 0")
	xy, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]float64](`(() => { const e = `+q+`; e.scrollIntoView({block: "center"});
		const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`))
	if err != nil {
		p.T.Fatal(err)
	}
	p.Do(chromedp.MouseClickXY(xy[0], xy[1]))
}

// Type focuses the first element matching sel and types keys into it as
// key events ("\r" is Enter).
func (p Page) Type(sel, keys string) {
	p.T.Helper()
	q := "document.querySelector(" + strconv.Quote(sel) + ")"
	p.WaitThrough(q + " !== null")
	p.Eval("(" + q + ".focus(), '')")
	p.Do(chromedp.KeyEvent(keys))
}

// WaitThrough polls a JavaScript condition every few milliseconds until it
// holds (30 s at most), through reloads and navigations of the page, which
// interrupt WaitFor.
func (p Page) WaitThrough(expr string) {
	p.T.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		if p.Ctx.Err() != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.T.Fatalf("waiting for %s: %v", expr, last)
}
