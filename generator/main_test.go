package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"vepkb/generator/internal/sitetest"
)

func testSite(t *testing.T) string { return sitetest.Basic(t) }

// bundled is the repository's knowledge base built once (without PDFs:
// TestBundledPDFs makes those) for the tests that only read it.
var bundled struct {
	once           sync.Once
	dir, out, errs string
	code           int
}

// bundledSite builds the knowledge base the first time it is called and
// returns its output folder and what the build said.
func bundledSite(t testing.TB) (dest string, code int, stdout, stderr string) {
	t.Helper()
	bundled.once.Do(func() {
		dir, err := os.MkdirTemp("", "kb-bundled-")
		if err != nil {
			t.Fatal(err)
		}
		bundled.dir = dir
		bundled.code, bundled.out, bundled.errs = runCmd("build", "--source", "..", "--dest", filepath.Join(dir, "public"), "--no-pdf")
	})
	if bundled.dir == "" {
		t.Fatal("the knowledge base could not be built")
	}
	return filepath.Join(bundled.dir, "public"), bundled.code, bundled.out, bundled.errs
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bundled.dir != "" {
		os.RemoveAll(bundled.dir)
	}
	os.Exit(code)
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	root := testSite(t)
	bad := testSite(t)
	if err := os.WriteFile(filepath.Join(bad, "content", "guide-b", "one.md"), []byte("---\ntitle: x\nweight: heavy\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // what stdout contains; "" means it must be empty
		stderr string // what stderr contains; "" means it must be empty
	}{
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"help", []string{"--help"}, 0, "Commands:", ""},
		{"version", []string{"version"}, 0, "generator ", ""},
		{"build help", []string{"build", "--help"}, 0, "-base-url", ""},
		{"serve help", []string{"serve", "-h"}, 0, "-port", ""},
		{"check help", []string{"check", "--help"}, 0, "writes nothing", ""},
		{"unknown flag", []string{"build", "--nope"}, 2, "", "flag provided but not defined: -nope"},
		{"stray argument", []string{"build", "extra"}, 2, "", `unexpected argument "extra"`},
		{"bad port", []string{"serve", "--port", "70000"}, 2, "", "is not a port number"},
		{"bad base URL", []string{"build", "--source", root, "--base-url", "ftp://x"}, 2, "", `--base-url: baseURL "ftp://x" is not an absolute http(s) URL or a path`},
		{"dest over sources", []string{"build", "--source", root, "--dest", filepath.Join(root, "content")}, 2, "", "it is the site's content folder"},
		{"check ok", []string{"check", "--source", root}, 0, "check: ", ""},
		{"build ok", []string{"build", "--source", root, "--dest", filepath.Join(t.TempDir(), "out")}, 0, "built ", ""},
		{"build errors", []string{"build", "--source", bad}, 1, "", "content/guide-b/one.md:3:9: weight: expected an integer"},
		{"missing config", []string{"build", "--source", t.TempDir()}, 1, "", "config.toml: no configuration file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			expectOutput(t, "stdout", out, tt.stdout)
			expectOutput(t, "stderr", errs, tt.stderr)
		})
	}
}

// expectOutput checks what a command wrote to one stream: want "" means
// nothing at all, otherwise the output must contain want.
func expectOutput(t *testing.T, stream, got, want string) {
	t.Helper()
	switch {
	case want == "" && got != "":
		t.Errorf("%s %q, want nothing", stream, got)
	case !strings.Contains(got, want):
		t.Errorf("%s %q lacks %q", stream, got, want)
	}
}

// TestBundledSite builds the repository's own knowledge base: it must pass
// every check with no warnings.
func TestBundledSite(t *testing.T) {
	dest, code, out, errs := bundledSite(t)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if errs != "" {
		t.Errorf("warnings:\n%s", errs)
	}
	// A strict Content-Security-Policy must work: no inline scripts, styles
	// or event handlers anywhere in the output.
	inline := regexp.MustCompile(`(?i)<script[^>]*>|<style|\sstyle=|\son[a-z]+=`)
	pages := 0
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range inline.FindAll(data, -1) {
			if strings.HasPrefix(strings.ToLower(string(m)), "<script") && strings.Contains(string(m), " src=") {
				continue // an external script is fine
			}
			t.Errorf("%s: inline %q", p, m)
			break
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 70 {
		t.Errorf("only %d pages built", pages)
	}

	// Every audience has a reading path on the home page, and each step
	// leads to a chapter that holds good practices.
	home, err := os.ReadFile(filepath.Join(dest, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	h := string(home)
	for _, role := range []string{"Prison administration", "Civil-society organisations", "Probation", "Policy makers"} {
		loc := regexp.MustCompile(`<h3 id="[^"]+">` + regexp.QuoteMeta(role) + ` <a class="anchor"`).FindStringIndex(h)
		start := -1
		if loc != nil {
			start = loc[0]
		}
		if start < 0 {
			t.Errorf("home page: no reading path for %s", role)
			continue
		}
		section := h[start:]
		if end := regexp.MustCompile(`<h[23]|</div>`).FindStringIndex(section[1:]); end != nil {
			section = section[:end[0]+1]
		}
		links := regexp.MustCompile(`href="(/[^"#]+/)"`).FindAllStringSubmatch(section, -1)
		if len(links) < 5 {
			t.Errorf("%s: path has %d links", role, len(links))
		}
		for _, l := range links {
			page, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(l[1]), "index.html"))
			if err != nil {
				t.Errorf("%s: %s: %v", role, l[1], err)
				continue
			}
			if !strings.Contains(string(page), "Good practice") {
				t.Errorf("%s: %s holds no good practices", role, l[1])
			}
		}
	}
}

// TestTitlesInAnyScript builds a site with a Cyrillic folder that has no
// _index.md (its section title comes from the folder name) holding a page
// with a Cyrillic file name, and a taxonomy with a Cyrillic name: every page
// must be valid UTF-8 and show the titles with their first letter
// capitalised.
func TestTitlesInAnyScript(t *testing.T) {
	root := testSite(t)
	config, err := os.ReadFile(filepath.Join(root, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.Apply(t, root, map[string]string{
		"config.toml": string(config) + "\n[taxonomies]\ntag = \"tags\"\n\"тег\" = \"теги\"\n",
		"content/дерадикализация/введение.md": "---\ntitle: Введение\nтеги: [пример]\n---\nТекст.\n",
	})
	dest := filepath.Join(t.TempDir(), "public")
	code, out, errs := runCmd("build", "--source", root, "--dest", dest)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if want := "warning: content/дерадикализация: folder has no _index.md; using the title \"Дерадикализация\"\n"; errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !utf8.Valid(data) {
			t.Errorf("%s: invalid UTF-8", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string][]string{
		"дерадикализация/index.html":          {"<title>Дерадикализация", "<h1>Дерадикализация</h1>", "Введение"},
		"дерадикализация/введение/index.html": {"<h1>Введение</h1>", "Дерадикализация"},
		"теги/index.html":                     {"<title>Теги", "<h1>Теги</h1>", "пример"},
		"index.html":                          {"Дерадикализация"},
	} {
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(page)))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s lacks %q", page, w)
			}
		}
	}
}

// lockedBuffer is a bytes.Buffer safe to read while a command writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeCommand runs `serve` as a user does: it listens on 127.0.0.1 by
// default, serves the site with live reload, leaves public/ alone, rebuilds
// on a save, survives a broken file, and stops cleanly.
func TestServeCommand(t *testing.T) {
	root := testSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--source", root, "--port", "0"}, &out, &errb) }()
	url := ""
	deadline := time.Now().Add(30 * time.Second)
	for url == "" {
		if m := regexp.MustCompile(`serving at (http://\S+/)`).FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("serve listens at %s, not on 127.0.0.1 by default", url)
	}
	get := func() string {
		resp, err := http.Get(url + "guide-b/one/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	if body := get(); !strings.Contains(body, "/__kb/live.js") {
		t.Error("served pages lack the live-reload script")
	}
	if _, err := os.Stat(filepath.Join(root, "public")); err == nil {
		t.Error("serve wrote public/")
	}
	page := filepath.Join(root, "content", "guide-b", "one.md")
	write := func(s string) {
		if err := os.WriteFile(page, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A broken save is built and reported (the error in the log, the last
	// good page still served) before the fix is saved.
	write("---\ntitle: x\nweight: heavy\n---\n")
	for !strings.Contains(out.String(), "content/guide-b/one.md:3:9: weight: expected an integer") {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatalf("the broken file was not reported:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "build failed (1 error; the preview keeps the last good build)") {
		t.Errorf("no failed rebuild in the log:\n%s", out.String())
	}
	if body := get(); !strings.Contains(body, "Plain text.") {
		t.Errorf("after the broken save the page is not the last good one:\n%s", body)
	}
	write("---\ntitle: \"Only chapter\"\n---\nSaved while serving.\n")
	for !strings.Contains(get(), "Saved while serving.") {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatalf("the edit did not show:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Errorf("output: %s", out.String())
	}
}
