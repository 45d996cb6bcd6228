package pdf

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// BenchmarkPrint prints the print view in KB_PRINT_DIR (a built public/
// folder) at KB_PRINT_PATH (default /safeguards/print/) with a warm browser.
//
//	go test ./generator/internal/pdf -run XXX -bench Print -benchtime 10x
func BenchmarkPrint(b *testing.B) {
	dir := os.Getenv("KB_PRINT_DIR")
	if dir == "" {
		b.Skip("set KB_PRINT_DIR to a built site")
	}
	p := os.Getenv("KB_PRINT_PATH")
	if p == "" {
		p = "/safeguards/print/"
	}
	exe, err := Find("")
	if err != nil {
		b.Skip(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	t0 := time.Now()
	br, err := Start(context.Background(), exe)
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	b.Logf("browser start %v", time.Since(t0))
	for _, variant := range []struct {
		name string
		opt  func(*page.PrintToPDFParams)
	}{
		{"tagged", func(p *page.PrintToPDFParams) { t := true; p.GenerateTaggedPDF = &t; p.PreferCSSPageSize = &t }},
		{"untagged", func(p *page.PrintToPDFParams) {
			t, f := true, false
			p.GenerateTaggedPDF = &f
			p.PreferCSSPageSize = &t
		}},
	} {
		b.Run(variant.name, func(b *testing.B) {
			tab, cancel := chromedp.NewContext(br.first)
			defer cancel()
			t0 := time.Now()
			if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+p)); err != nil {
				b.Fatal(err)
			}
			b.Logf("navigate %v", time.Since(t0))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), variant.opt)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
