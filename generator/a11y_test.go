package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/npmtest"
	"vepkb/generator/internal/server"
)

// axeSource installs the locked axe-core (testdata/axe, test tooling only)
// once and returns its script.
func axeSource(t *testing.T) string {
	t.Helper()
	dir := npmtest.Install(t, filepath.Join("testdata", "axe"), "axe")
	data, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
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
	dest, code, out, errs := bundledSite(t)
	if code != 0 {
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
		{"search with results", "/search/?q=dynamic+security", `document.querySelectorAll('#search-results > li').length > 0`, ""},
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
