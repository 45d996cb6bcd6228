package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"vepkb/generator/internal/pdf"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/sitetest"
)

// needPDFTools returns when Chromium and poppler's tools are installed;
// otherwise it skips (and fails under CI, which must install them).
func needPDFTools(t *testing.T) {
	t.Helper()
	var missing []string
	if _, err := pdf.Find(""); err != nil {
		missing = append(missing, "chromium")
	}
	for _, tool := range []string{"pdfinfo", "pdftotext", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool+" (poppler-utils)")
		}
	}
	if len(missing) > 0 {
		skipOrFail(t, "PDF tests need "+strings.Join(missing, ", ")+": apt-get install -y chromium poppler-utils fonts-noto-core")
	}
}

func pdfinfo(t *testing.T, file string, args ...string) string {
	t.Helper()
	out, err := exec.Command("pdfinfo", append(args, file)...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", file, err, out)
	}
	return string(out)
}

// pageText is the text of one page of a PDF, with presentation forms folded
// (Arabic comes out of PDFs as presentation forms).
func pageText(t *testing.T, file string, page int) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s page %d: %v\n%s", file, page, err, out)
	}
	return norm.NFKC.String(string(out))
}

func fold(s string) string { return strings.Join(strings.Fields(norm.NFKC.String(s)), " ") }

type tocLine struct {
	id, text string
	page     int
}

var tocRe = regexp.MustCompile(`<a href="#([^"]+)"><span class="print-toc-text">([^<]*)</span> <span class="print-toc-page" data-dest="[^"]+">(\d+)</span></a>`)

// chromiumProcs counts the browsers this generator started (their profile
// folder is named kb-chromium-*).
func chromiumProcs(t *testing.T) int {
	t.Helper()
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte("kb-chromium-")) {
			n++
		}
	}
	return n
}

// TestBundledPDFs builds the knowledge base with its PDFs, as a trainer
// would, and reads every PDF back.
func TestBundledPDFs(t *testing.T) {
	needPDFTools(t)
	before := chromiumProcs(t)
	dest := filepath.Join(t.TempDir(), "public")
	code, out, errs := runCmd("build", "--source", "..", "--dest", dest)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if errs != "" {
		t.Errorf("warnings:\n%s", errs)
	}
	if n := chromiumProcs(t); n > before {
		t.Errorf("%d browser processes left after the build", n-before)
	}
	guides, _ := filepath.Glob(filepath.Join(dest, "*", "print", "index.html"))
	if len(guides) != 11 {
		t.Fatalf("%d guide print views, want 11", len(guides))
	}
	docs := append(guides, filepath.Join(dest, "print", "index.html"))
	for _, view := range docs {
		dir := filepath.Dir(filepath.Dir(view))
		file := filepath.Join(dir, filepath.Base(dir)+".pdf")
		if dir == dest {
			file = filepath.Join(dest, "knowledge-base.pdf")
		}
		t.Run(strings.TrimPrefix(file, dest), func(t *testing.T) { checkPDF(t, dest, view, file) })
	}

	// A trainer's view: the download links name the real page count and size.
	page, err := os.ReadFile(filepath.Join(dest, "safeguards", "vetting-and-training", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<a href="(/safeguards/safeguards\.pdf)" type="application/pdf" download>Download this guide</a> <span class="pdf-details">\(PDF, (\d+) pages, ([^)]+)\)</span>`).FindSubmatch(page)
	if m == nil {
		t.Fatal("the chapter page has no download link with page count and size")
	}
	data, err := os.ReadFile(filepath.Join(dest, "safeguards", "safeguards.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	info := pdfinfo(t, filepath.Join(dest, "safeguards", "safeguards.pdf"))
	if !strings.Contains(info, "Pages:           "+string(m[2])+"\n") {
		t.Errorf("link says %s pages; pdfinfo:\n%s", m[2], info)
	}
	if want := render.FileSize(int64(len(data))); string(m[3]) != want {
		t.Errorf("link says %s, the file is %s", m[3], want)
	}
	home, _ := os.ReadFile(filepath.Join(dest, "index.html"))
	if !regexp.MustCompile(`href="/knowledge-base\.pdf"[^>]*>Download the whole knowledge base</a> <span class="pdf-details">\(PDF, \d+ pages, `).Match(home) {
		t.Error("the home page does not link the whole knowledge base's PDF")
	}
}

func checkPDF(t *testing.T, dest, view, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	viewHTML, err := os.ReadFile(view)
	if err != nil {
		t.Fatal(err)
	}
	info := pdfinfo(t, file)
	for _, want := range []string{"Tagged:          yes", "Author:          CSO–Prison Practice Knowledge Base", "Producer:", "Subject:"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if !bytes.Contains(data, []byte("/Lang (en)")) {
		t.Error("no document language")
	}
	layout, err := pdf.Read(data)
	if err != nil {
		t.Fatal(err)
	}

	// Every table of contents entry names the page its heading is on.
	toc := tocRe.FindAllSubmatch(viewHTML, -1)
	if len(toc) < 3 {
		t.Fatalf("%d table of contents entries", len(toc))
	}
	var lines []tocLine
	texts := map[int]string{}
	for _, e := range toc {
		l := tocLine{string(e[1]), html.UnescapeString(string(e[2])), 0}
		l.page, _ = strconv.Atoi(string(e[3]))
		lines = append(lines, l)
		if got := layout.Dests[l.id]; got != l.page {
			t.Errorf("TOC %q says page %d; its destination is on page %d", l.text, l.page, got)
		}
		if _, ok := texts[l.page]; !ok {
			texts[l.page] = fold(pageText(t, file, l.page))
		}
		// The heading's first words are on that page.
		words := strings.Fields(l.text)
		probe := fold(strings.Join(words[:min(len(words), 4)], " "))
		if !strings.Contains(texts[l.page], probe) {
			t.Errorf("TOC %q: page %d does not show the heading", l.text, l.page)
		}
	}
	// The printed table of contents shows those numbers.
	tocText := fold(pageText(t, file, 2))
	for _, l := range lines[:min(len(lines), 5)] {
		if !strings.Contains(tocText, strconv.Itoa(l.page)) {
			t.Errorf("the printed table of contents lacks page %d", l.page)
		}
	}

	// Bookmarks mirror the table of contents, entry for entry.
	bms, err := pdf.Outline(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(bms) != len(lines) {
		t.Errorf("%d bookmarks, %d TOC entries", len(bms), len(lines))
	}
	for i := range min(len(bms), len(lines)) {
		if fold(bms[i].Title) != fold(lines[i].text) || bms[i].Page != lines[i].page {
			t.Errorf("bookmark %d is %q page %d; TOC %q page %d", i, bms[i].Title, bms[i].Page, lines[i].text, lines[i].page)
			break
		}
	}

	// Footnotes: each reference links to its note in the same part (notes
	// end each chapter), and the note links back.
	refs := regexp.MustCompile(`id="(p\d+)-fnref(\d*):(\d+)"`).FindAllSubmatch(viewHTML, -1)
	for _, r := range refs {
		part, n := string(r[1]), string(r[3])
		note := part + "-fn:" + n
		if _, ok := layout.Dests[note]; !ok {
			t.Errorf("footnote %s has no destination", note)
			continue
		}
		if !bytes.Contains(viewHTML, []byte(`href="#`+part+`-fnref`+string(r[2])+`:`+n+`"`)) {
			t.Errorf("footnote %s does not link back", note)
		}
		if layout.Dests[note] < layout.Dests[part] {
			t.Errorf("note %s on page %d, before its chapter (page %d)", note, layout.Dests[note], layout.Dests[part])
		}
	}

	// Internal links jump inside the PDF: every #target has a destination.
	for _, h := range regexp.MustCompile(`href="#([^"]+)"`).FindAllSubmatch(viewHTML, -1) {
		if _, ok := layout.Dests[string(h[1])]; !ok {
			t.Errorf("link to #%s has no destination in the PDF", h[1])
			break
		}
	}
	// Links elsewhere on the site go to the published site.
	if !bytes.Contains(data, []byte("/URI (https://example.org/")) {
		t.Error("no link to the published site")
	}
	if bytes.Contains(viewHTML, []byte(`href="/`)) && regexp.MustCompile(`<a href="/[^"]*"`).Match(viewHTML) {
		t.Errorf("a link in the print view still points at a site path: %s", regexp.MustCompile(`<a href="/[^"]*"`).Find(viewHTML))
	}
	// No inline styles or scripts in the print view (strict CSP).
	if regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=`).Match(viewHTML) {
		t.Error("inline script or style in the print view")
	}
}

// TestPDFScripts: Cyrillic and Arabic text of the knowledge base is real
// text in real glyphs (a font that has the script), in the whole PDF.
func TestPDFScripts(t *testing.T) {
	needPDFTools(t)
	out := filepath.Join(t.TempDir(), "glossary.pdf")
	code, stdout, errs := runCmd("pdf", "--source", "..", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	text, err := exec.Command("pdftotext", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	all := norm.NFKC.String(string(text))
	if !strings.Contains(all, "дерадикализация") {
		t.Error("no Cyrillic text")
	}
	if !strings.ContainsAny(all, "إدماجالعنيف") {
		t.Error("no Arabic text")
	}
	fonts, err := exec.Command("pdffonts", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?i)arabic|dejavu`).Match(fonts) {
		t.Errorf("no font with Arabic glyphs embedded:\n%s", fonts)
	}
	if bytes.Contains(fonts, []byte("no ")) && regexp.MustCompile(`(?m) no +no +`).Match(fonts) {
		t.Errorf("a font is not embedded:\n%s", fonts)
	}
}

// TestPDFCommand: `pdf` makes one guide's PDF, the same bytes every time,
// and says clearly what is wrong with its arguments.
func TestPDFCommand(t *testing.T) {
	needPDFTools(t)
	dir := t.TempDir()
	var outs [][]byte
	for i := 0; i < 2; i++ {
		file := filepath.Join(dir, fmt.Sprintf("women-%d.pdf", i))
		code, out, errs := runCmd("pdf", "--source", "..", "--guide", "women", "--paper", "letter", "--out", file)
		if code != 0 || !strings.Contains(out, "wrote "+file) {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, data)
		if i == 0 {
			if info := pdfinfo(t, file); !strings.Contains(info, "(letter)") || !strings.Contains(info, "Title:           Women") {
				t.Errorf("pdfinfo:\n%s", info)
			}
			time.Sleep(1100 * time.Millisecond) // the clock must not show in the file
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two PDFs of the same guide differ")
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"pdf", "--source", "..", "--guide", "nope"}, 2, `no such guide "nope": the guides are involving-csos`},
		{[]string{"pdf", "--source", "..", "--paper", "a3"}, 2, `--paper "a3": use a4 or letter`},
	} {
		code, _, errs := runCmd(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errs)
		}
	}
}

// TestPDFWithoutChromium: with no browser, build fails in one line that says
// how to install it or turn PDFs off, and --no-pdf builds without PDFs or
// links to them.
func TestPDFWithoutChromium(t *testing.T) {
	root := testSite(t)
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	if err := os.WriteFile(filepath.Join(root, "config.toml"), append(cfg, "\n[pdf]\nenabled = true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CHROME_PATH", "")
	dest := filepath.Join(t.TempDir(), "public")
	code, _, errs := runCmd("build", "--source", root, "--dest", dest)
	if code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "apt-get install chromium") || !strings.Contains(errs, "--no-pdf") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a failed build wrote its output")
	}
	if code, out, errs := runCmd("build", "--source", root, "--dest", dest, "--no-pdf"); code != 0 {
		t.Fatalf("--no-pdf: exit %d\n%s%s", code, out, errs)
	}
	page, _ := os.ReadFile(filepath.Join(dest, "guide-a", "index.html"))
	if bytes.Contains(page, []byte(".pdf")) {
		t.Error("--no-pdf: the guide page links a PDF")
	}
}

// TestPDFInterruptAndFailure: Ctrl+C while PDFs are printed, and a build
// whose print view fails, both leave no browser running and the previous
// output as it was.
func TestPDFInterruptAndFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	needPDFTools(t)
	bin := buildBinary(t)
	root := testSite(t)
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	if err := os.WriteFile(filepath.Join(root, "config.toml"), append(cfg, "\n[pdf]\nenabled = true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A guide long enough to take a moment to print.
	var b strings.Builder
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "## Section %d\n\n%s\n\n", i, strings.Repeat("Family contact is a right, not a privilege. ", 60))
	}
	sitetestWrite(t, filepath.Join(root, "content", "guide-b", "long.md"), "---\ntitle: Long\n---\n"+b.String())
	dest := filepath.Join(root, "public")
	if out, err := exec.Command(bin, "build", "--source", root).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	before := chromiumProcs(t)
	prev := sitetest.Tree(t, dest)

	cmd := exec.Command(bin, "build", "--source", root)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	sitetestWrite(t, filepath.Join(root, "content", "guide-b", "long.md"), "---\ntitle: Longer\n---\n"+b.String())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for chromiumProcs(t) == before {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the build started no browser")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || strings.TrimSpace(stderr.String()) != "interrupted" {
		t.Errorf("exit %v, stderr %q", err, stderr.String())
	}
	waitNoBrowser(t, before)
	if d := sitetest.TreeDiff(prev, sitetest.Tree(t, dest)); d != "" {
		t.Errorf("the interrupted build changed the output (%s)", d)
	}

	// A print view that fails once the browser runs.
	layout := filepath.Join(root, "themes", "default", "layouts", "print.html")
	good, _ := os.ReadFile(layout)
	if err := os.WriteFile(layout, bytes.Replace(good, []byte("{{range $pr.Parts}}"), []byte("{{range $pr.Parts}}{{.Nope}}"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "build", "--source", root).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "print.html") {
		t.Errorf("a broken print layout: %v\n%s", err, out)
	}
	waitNoBrowser(t, before)
	if d := sitetest.TreeDiff(prev, sitetest.Tree(t, dest)); d != "" {
		t.Errorf("the failed build changed the output (%s)", d)
	}
}

func waitNoBrowser(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for chromiumProcs(t) > before {
		if time.Now().After(deadline) {
			t.Errorf("%d browser processes still running", chromiumProcs(t)-before)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServePDFs: the preview makes a guide's PDF when it is opened, and
// without Chromium explains how to get it while the rest keeps working.
func TestServePDFs(t *testing.T) {
	root := testSite(t)
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	if err := os.WriteFile(filepath.Join(root, "config.toml"), append(cfg, "\n[pdf]\nenabled = true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	get := func(url string) (int, string, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	serve := func(t *testing.T) (string, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb lockedBuffer
		done := make(chan int, 1)
		go func() { done <- run(ctx, []string{"serve", "--source", root, "--port", "0"}, &out, &errb) }()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if m := regexp.MustCompile(`serving at (http://\S+/)`).FindStringSubmatch(out.String()); m != nil {
				return m[1], func() { cancel(); <-done }
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve did not start:\n%s\n%s", out.String(), errb.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Run("without Chromium", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		t.Setenv("CHROME_PATH", "")
		url, stop := serve(t)
		defer stop()
		if code, _, body := get(url + "guide-a/"); code != 200 || !strings.Contains(body, `href="/guide-a/guide-a.pdf"`) {
			t.Errorf("guide page: %d, no PDF link", code)
		} else if strings.Contains(body, `id="offline"`) {
			t.Error("the preview offers to work offline")
		}
		if _, _, sw := get(url + "sw.js"); !strings.Contains(sw, "unregister()") {
			t.Errorf("the preview's sw.js does not remove an earlier service worker: %q", sw)
		}
		code, _, body := get(url + "guide-a/guide-a.pdf")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "apt-get install chromium") {
			t.Errorf("PDF without Chromium: %d %q", code, body)
		}
	})
	t.Run("with Chromium", func(t *testing.T) {
		needPDFTools(t)
		before := chromiumProcs(t)
		url, stop := serve(t)
		defer func() { stop(); waitNoBrowser(t, before) }()
		code, ctype, body := get(url + "guide-a/guide-a.pdf")
		if code != 200 || ctype != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("PDF: %d %s", code, ctype)
		}
		if code, _, body := get(url + "guide-a/print/"); code != 200 || !strings.Contains(body, `class="print-toc"`) {
			t.Errorf("print view: %d", code)
		}
	})
}
