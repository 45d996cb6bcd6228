package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/npmtest"
	"vepkb/generator/internal/server"
)

// lighthousePages are the pages Lighthouse judges: the home page, a
// chapter, and the search page with results.
var lighthousePages = []struct{ name, path string }{
	{"home", "/"},
	{"chapter", "/safeguards/vetting-and-training/"},
	{"search", "/search/?q=family+visits"},
}

// BenchmarkLighthouse runs Lighthouse 12.2.3 (testdata/lighthouse, locked;
// mobile preset: a Moto G Power on slow 4G, simulated) on the bundled
// knowledge base served with brotli, and reports each category's score and
// the performance metrics. One run per page; b.N is not used:
//
//	go test -run '^$' -bench Lighthouse -benchtime 1x ./generator/
//
// KB_LIGHTHOUSE_PAGES=search runs only the pages named (comma-separated).
func BenchmarkLighthouse(b *testing.B) {
	chrome := browsertest.Chromium(b)
	dir := npmtest.Install(b, filepath.Join("testdata", "lighthouse"), "lighthouse")
	dest, code, out, errs := bundledSite(b)
	if code != 0 {
		b.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	srv := httptest.NewServer(server.New(dest))
	defer srv.Close()
	only := os.Getenv("KB_LIGHTHOUSE_PAGES")
	throttling := "simulate"
	if os.Getenv("KB_LIGHTHOUSE_THROTTLING") != "" {
		throttling = os.Getenv("KB_LIGHTHOUSE_THROTTLING")
	}
	for _, pg := range lighthousePages {
		if only != "" && !slices.Contains(strings.Split(only, ","), pg.name) {
			continue
		}
		b.Run(pg.name, func(b *testing.B) {
			// KB_LIGHTHOUSE_REPORTS=DIR keeps the reports (DIR/<page>.json).
			report := filepath.Join(b.TempDir(), "report.json")
			if d := os.Getenv("KB_LIGHTHOUSE_REPORTS"); d != "" {
				report = filepath.Join(d, pg.name+".json")
			}
			cmd := exec.Command("node", filepath.Join(dir, "node_modules", "lighthouse", "cli", "index.js"), srv.URL+pg.path,
				"--output=json", "--output-path="+report, "--quiet", "--throttling-method="+throttling,
				"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking")
			cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("lighthouse: %v\n%s", err, out)
			}
			data, err := os.ReadFile(report)
			if err != nil {
				b.Fatal(err)
			}
			var r struct {
				Categories map[string]struct{ Score float64 } `json:"categories"`
				Audits     map[string]struct {
					Score        *float64 `json:"score"`
					NumericValue float64  `json:"numericValue"`
					Title        string   `json:"title"`
				} `json:"audits"`
			}
			if err := json.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
			var line []string
			for _, c := range []string{"performance", "accessibility", "best-practices", "seo"} {
				s := r.Categories[c].Score * 100
				b.ReportMetric(s, c)
				line = append(line, c+" "+ftoa(s))
			}
			for _, a := range []struct{ id, unit string }{{"first-contentful-paint", "FCP-ms"}, {"largest-contentful-paint", "LCP-ms"},
				{"total-blocking-time", "TBT-ms"}, {"cumulative-layout-shift", "CLS"}, {"speed-index", "SI-ms"}} {
				v := r.Audits[a.id].NumericValue
				b.ReportMetric(v, a.unit)
				line = append(line, a.unit+" "+ftoa(v))
			}
			// Audits that cost points, for the reader of the log.
			for id, a := range r.Audits {
				if a.Score != nil && *a.Score < 0.9 && !strings.HasPrefix(id, "diagnostics") {
					line = append(line, "\n  "+id+": "+a.Title+" ("+ftoa(*a.Score)+")")
				}
			}
			b.Log(pg.path + ": " + strings.Join(line, ", "))
		})
	}
}

func ftoa(f float64) string {
	if f == float64(int64(f)) {
		return strings.TrimSuffix(strings.TrimSuffix(json.Number(jsonNum(f)).String(), ".0"), ".00")
	}
	return jsonNum(f)
}

func jsonNum(f float64) string {
	b, _ := json.Marshal(float64(int64(f*1000+0.5)) / 1000)
	return string(b)
}
