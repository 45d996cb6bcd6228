package site

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpus generates (once per process) a synthetic site of n pages with the
// shared gencorpus tool, plus the repository's config and theme. It skips
// the benchmark when the tool is not beside the repository.
func corpus(b *testing.B, n int, search bool) string {
	b.Helper()
	gen := filepath.Join(repoRoot(b), "..", "shared", "bench", "gencorpus")
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("benchmark corpus generator not found at %s", gen)
	}
	dir := filepath.Join(os.TempDir(), "kb-bench-corpus-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
		out, err := exec.Command(gen, "-n", strconv.Itoa(n), "-o", dir, "--force").CombinedOutput()
		if err != nil {
			b.Fatalf("gencorpus: %v\n%s", err, out)
		}
	}
	cfg, err := os.ReadFile(filepath.Join(repoRoot(b), "config.toml"))
	if err != nil {
		b.Fatal(err)
	}
	if !search {
		cfg = []byte(strings.Replace(string(cfg), "[search]\nenabled = true", "[search]\nenabled = false", 1))
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	_ = os.RemoveAll(filepath.Join(dir, "themes"))
	copyTree(b, filepath.Join(repoRoot(b), "themes", "default"), filepath.Join(dir, "themes", "default"))
	return dir
}

func benchBuild(b *testing.B, n int, search bool) {
	root := corpus(b, n, search)
	dest := filepath.Join(b.TempDir(), "public")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Build(context.Background(), Options{Root: root, Dest: dest})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Pages), "pages")
	}
}

// BenchmarkBuild1k is a full build of the 1,000-page synthetic corpus.
func BenchmarkBuild1k(b *testing.B) { benchBuild(b, 1000, false) }

// BenchmarkBuild10k is a full build of the 10,000-page synthetic corpus.
func BenchmarkBuild10k(b *testing.B) { benchBuild(b, 10000, false) }

// BenchmarkBuild10kSearch is BenchmarkBuild1kSearch over the 10,000-page
// corpus.
func BenchmarkBuild10kSearch(b *testing.B) { benchSearchBuild(b, 10000) }

// BenchmarkBuild1kSearch builds the 1,000-page corpus with search, as
// generator/tools/bench-search-build.sh does (no PDFs, no offline copy,
// into an empty folder each time), and reports each stage's share.
func BenchmarkBuild1kSearch(b *testing.B) { benchSearchBuild(b, 1000) }

func benchSearchBuild(b *testing.B, n int) {
	root := corpus(b, n, true)
	cfg, err := os.ReadFile(filepath.Join(root, "config.toml"))
	if err != nil {
		b.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), "offlineCopy = true", "offlineCopy = false", 1))
	if err := os.WriteFile(filepath.Join(root, "config.toml"), cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	phases := map[string]float64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dest := filepath.Join(b.TempDir(), "public")
		res, err := Build(context.Background(), Options{Root: root, Dest: dest, NoPDF: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range res.Phases {
			phases[p.Name] += p.Duration.Seconds()
		}
	}
	for name, s := range phases {
		b.ReportMetric(s/float64(b.N), strings.ReplaceAll(name, " ", "_")+"-s")
	}
}

// BenchmarkLoad10k runs every stage but writing output (what "check" does).
func BenchmarkLoad10k(b *testing.B) {
	root := corpus(b, 10000, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Load(context.Background(), Options{Root: root}); err != nil {
			b.Fatal(err)
		}
	}
}

type discardWriter struct{}

func (discardWriter) WriteFile(string, []byte) error { return nil }
func (discardWriter) CopyFile(string, string) error  { return nil }

// BenchmarkRender10k renders every output of the 10,000-page corpus without
// writing files, to separate template and minifier time from disk time.
func BenchmarkRender10k(b *testing.B) {
	root := corpus(b, 10000, false)
	l, err := Load(context.Background(), Options{Root: root})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ds := Render(context.Background(), l, discardWriter{}, 2); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}
