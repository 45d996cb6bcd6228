// Package pdf turns print views into PDFs with a headless Chromium: it finds
// and starts the browser (one per build, several tabs), prints pages that a
// local server offers, reads a printed PDF back (page count, the page of
// each named destination, so that a table of contents can show page numbers
// on a second print), and finishes the file: an outline (bookmarks) that
// mirrors the table of contents, document metadata, and fixed dates and
// document ID so that the same input gives the same bytes.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is returned by Find when no Chromium is installed.
var ErrNoBrowser = errors.New("PDFs need Chromium, which is not installed: install it (Debian/Ubuntu: apt-get install chromium; or set [pdf] browser in config.toml, or $CHROME_PATH), or build without PDFs (--no-pdf, or [pdf] enabled = false)")

// Find returns the browser to use: configured (the [pdf] browser setting),
// else $CHROME_PATH, else chromium, chromium-browser or google-chrome on PATH.
func Find(configured string) (string, error) {
	for _, p := range []string{configured, os.Getenv("CHROME_PATH")} {
		if p == "" {
			continue
		}
		if found, err := exec.LookPath(p); err == nil {
			return found, nil
		}
		return "", fmt.Errorf("the browser %s cannot be run (from [pdf] browser or $CHROME_PATH)", p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// BrowserOptions start exe headless, with no sandbox (it may run as root),
// no GPU, no network of its own and its profile in dir (the tests' browser
// uses them too).
func BrowserOptions(exe, dir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(dir),
	)
}

// Browser is a running headless Chromium. It is safe for concurrent use:
// each Print opens a tab of its own.
type Browser struct {
	alloc  context.Context
	cancel context.CancelFunc
	first  context.Context // the browser's first tab, which keeps it alive
	dir    string
	once   sync.Once
}

// Start launches exe headless. Close (or cancelling ctx) shuts it down.
func Start(ctx context.Context, exe string) (*Browser, error) {
	dir, err := os.MkdirTemp("", "kb-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(BrowserOptions(exe, dir),
		chromedp.Flag("font-render-hinting", "none"),
		// Dates in the PDF in one form (Finish replaces them).
		chromedp.Env("TZ=UTC"),
	)
	alloc, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	first, cancelF := chromedp.NewContext(alloc)
	b := &Browser{alloc: alloc, first: first, dir: dir, cancel: func() { cancelF(); cancelA() }}
	// Start the browser now, so that a browser that cannot start says so
	// before any page is printed.
	if err := chromedp.Do(first); err != nil {
		b.Close()
		return nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	return b, nil
}

// Close shuts the browser down and waits for it to exit.
func (b *Browser) Close() {
	b.once.Do(func() {
		b.cancel()
		os.RemoveAll(b.dir)
	})
}

// Paper sizes in inches, for PreferCSSPageSize's fallback.
var paper = map[string]chromedp.PaperSize{"A4": chromedp.PaperA4, "letter": chromedp.PaperLetter}

// Tab is a page loaded in the browser, ready to print.
type Tab struct {
	ctx    context.Context // the tab's
	parent context.Context // the caller's
	url    string
	close  func()
}

// Open loads url in a new tab and waits for its fonts.
func (b *Browser) Open(ctx context.Context, url string) (*Tab, error) {
	tctx, cancel := chromedp.NewContext(b.first)
	stop := context.AfterFunc(ctx, cancel)
	tctx, cancelT := context.WithTimeout(tctx, 5*time.Minute)
	t := &Tab{ctx: tctx, parent: ctx, url: url, close: func() { cancelT(); stop(); cancel() }}
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		t.Close()
		return nil, ctxErr(ctx, fmt.Errorf("loading %s: %w", url, err))
	}
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Close()
		return nil, ctxErr(ctx, fmt.Errorf("waiting for the fonts of %s: %w", url, err))
	}
	return t, nil
}

// Close closes the tab.
func (t *Tab) Close() { t.close() }

// Eval runs a JavaScript statement in the page (to change it between prints).
func (t *Tab) Eval(js string) error {
	if _, err := chromedp.Run(t.ctx, chromedp.Evaluate[bool]("(() => {"+js+"; return true})()")); err != nil {
		return ctxErr(t.parent, fmt.Errorf("updating %s: %w", t.url, err))
	}
	return nil
}

// Print prints the page (its own @page size and margins apply); size ("A4",
// "letter") is the fallback paper. A tagged PDF (accessible: a structure
// tree) takes about a quarter longer; the layout is the same either way.
func (t *Tab) Print(size string, tagged bool) ([]byte, error) {
	yes, no := true, false
	data, err := chromedp.Run(t.ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(paper[size]),
		chromedp.PDFPrintBackground(),
		func(p *page.PrintToPDFParams) {
			p.PreferCSSPageSize = &yes
			p.GenerateTaggedPDF = &tagged
			p.GenerateDocumentOutline = &no // Finish writes one from the table of contents
		}))
	if err != nil {
		return nil, ctxErr(t.parent, fmt.Errorf("printing %s: %w", t.url, err))
	}
	return data, nil
}

// Print loads url in a new tab and prints it.
func (b *Browser) Print(ctx context.Context, url, size string) ([]byte, error) {
	t, err := b.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.Print(size, true)
}

// ctxErr prefers ctx's cause when ctx ended: the failure is then the
// interruption, not the browser.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// isPDF reports whether data looks like a PDF.
func isPDF(data []byte) bool { return strings.HasPrefix(string(data[:min(len(data), 5)]), "%PDF-") }
