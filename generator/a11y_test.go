package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/server"
)

// axeSource installs the locked axe-core (npm ci, test tooling only:
// testdata/axe) once into the user's cache folder and returns its script.
func axeSource(t *testing.T) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		skipOrFail(t, "the accessibility tests need npm (apt-get install -y npm) for axe-core")
	}
	lock, err := os.ReadFile(filepath.Join("testdata", "axe", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "vepkb-axe-"+hex.EncodeToString(sum[:6]))
	script := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(script); err != nil {
		tmp, err := os.MkdirTemp(cache, "vepkb-axe-tmp-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		for _, f := range []string{"package.json", "package-lock.json"} {
			data, _ := os.ReadFile(filepath.Join("testdata", "axe", f))
			if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			skipOrFail(t, fmt.Sprintf("npm ci (testdata/axe): %v\n%s", err, out))
		}
		if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
			if _, serr := os.Stat(script); serr != nil {
				t.Fatal(err)
			}
		}
	}
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core (WCAG 2.2 A and AA, and best practices)
// on every kind of page, in light and dark, at 1280 and 390 px, and checks
// that no page scrolls sideways at 320 px (WCAG reflow: 1280 px at 400%).
func TestAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site and drives Chromium")
	}
	axe := axeSource(t)
	dest := filepath.Join(t.TempDir(), "public")
	if code, out, errs := runCmd("build", "--source", "..", "--dest", dest, "--no-pdf"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	srv := httptest.NewServer(server.New(dest))
	defer srv.Close()
	ctx, cancel := browsertest.New(t, 5*time.Minute)
	defer cancel()
	p := browsertest.Page{T: t, Ctx: ctx}

	pages := []struct {
		name, path, ready, setup string
	}{
		{"home", "/", "", ""},
		{"guide", "/safeguards/", "", ""},
		{"chapter with tables and callouts", "/safeguards/information-sharing/", "", ""},
		{"glossary", "/glossary/", "", ""},
		{"instruments", "/instruments/", "", ""},
		{"taxonomy", "/tags/", "", ""},
		{"term", "/audiences/probation/", "", ""},
		{"404", "/404.html", "", ""},
		{"search with results", "/search/?q=dynamic+security", `document.querySelectorAll('#search-results li').length > 0`, ""},
		{"combobox open", "/safeguards/", `document.querySelectorAll('#site-search-listbox [role=option]').length > 0`,
			`(() => { const i = document.getElementById('site-search-input'); i.focus(); i.value = 'vetting'; i.dispatchEvent(new Event('input')); return true })()`},
	}
	for _, width := range []int64{1280, 390} {
		for _, scheme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			for _, pg := range pages {
				t.Run(fmt.Sprintf("%s %dpx %s", pg.name, width, scheme), func(t *testing.T) {
					p.T = t
					p.Do(chromedp.Navigate(srv.URL + pg.path))
					if pg.setup != "" {
						p.Eval(`String(` + pg.setup + `)`)
					}
					if pg.ready != "" {
						p.WaitFor(pg.ready)
					}
					p.Eval(`String(typeof axe === "undefined" ? (function(){` + axe + `; return 1})() : 1)`)
					res := p.Eval(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
					var vs []axeViolation
					if err := json.Unmarshal([]byte(res), &vs); err != nil {
						t.Fatalf("axe: %v: %.200s", err, res)
					}
					for _, v := range vs {
						var where []string
						for _, n := range v.Nodes[:min(len(v.Nodes), 3)] {
							where = append(where, fmt.Sprint(n.Target)+" "+strings.TrimSpace(n.HTML[:min(len(n.HTML), 120)]))
						}
						t.Errorf("%s (%s): %s — %d nodes: %s", v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(where, "; "))
					}
				})
			}
		}
	}
	// Reflow: nothing scrolls sideways at 320 px.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640)); err != nil {
		t.Fatal(err)
	}
	for _, pg := range pages {
		t.Run("320px "+pg.name, func(t *testing.T) {
			p.T = t
			p.Do(chromedp.Navigate(srv.URL + pg.path))
			if pg.ready != "" && pg.setup == "" {
				p.WaitFor(pg.ready)
			}
			// Wider content than the viewport (less the scrollbar's room) scrolls sideways.
			if w := p.Eval(`(() => { const d = document.documentElement; return d.scrollWidth > d.clientWidth ? d.scrollWidth + " px in " + d.clientWidth : "" })()`); w != "" {
				t.Errorf("the page scrolls sideways at a 320 px viewport: %s", w)
			}
		})
	}
}
