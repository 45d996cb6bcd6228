package render

import (
	"errors"
	"html/template"
	"testing"
)

func TestOutputPath(t *testing.T) {
	for in, want := range map[string]string{
		"/":            "index.html",
		"/guide/":      "guide/index.html",
		"/guide/ch/":   "guide/ch/index.html",
		"/404.html":    "404.html",
		"/sitemap.xml": "sitemap.xml",
		"/tags/women/": "tags/women/index.html",
	} {
		if got := OutputPath(in); got != want {
			t.Errorf("OutputPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateErrorNamesFile(t *testing.T) {
	th := &Theme{files: map[string]string{"page.html": "themes/default/layouts/page.html"}}
	_, err := template.New("page.html").Parse("{{define \"main\"}}\n{{.Title\n{{end}}")
	if err == nil {
		t.Fatal("no parse error")
	}
	d := th.TemplateError(err)
	if d.Path != "themes/default/layouts/page.html" || d.Line != 3 {
		t.Errorf("got %+v", d)
	}
	tpl := template.Must(template.New("page.html").Parse("<p>\n  {{.Missing}}</p>"))
	err = tpl.Execute(discardW{}, struct{}{})
	d = th.TemplateError(err)
	if d.Path != "themes/default/layouts/page.html" || d.Line != 2 || d.Col != 4 {
		t.Errorf("got %+v", d)
	}
	if d := th.TemplateError(errors.New("odd")); d.Path != "layouts" {
		t.Errorf("got %+v", d)
	}
}

type discardW struct{}

func (discardW) Write(p []byte) (int, error) { return len(p), nil }
