package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/output"
	"vepkb/generator/internal/printdoc"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/site"
)

type commonFlags struct {
	source, content string
	drafts          bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.source, "source", ".", "site root holding config.toml, themes/ and content/")
	fs.StringVar(&c.content, "content", "", "content folder (default SOURCE/content)")
	fs.BoolVar(&c.drafts, "drafts", false, "include pages marked draft: true")
}

func (c *commonFlags) options(stdout, stderr io.Writer) (site.Options, error) {
	root, err := filepath.Abs(c.source)
	if err != nil {
		return site.Options{}, err
	}
	opt := site.Options{Root: root, Drafts: c.drafts,
		Warn: func(s string) { fmt.Fprintf(stderr, "warning: %s\n", s) },
		Info: func(s string) { fmt.Fprintln(stdout, s) }}
	if c.content != "" {
		abs, err := filepath.Abs(c.content)
		if err != nil {
			return opt, err
		}
		opt.ContentDir = abs
	}
	return opt, nil
}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer, checkOnly bool) int {
	name := "build"
	if checkOnly {
		name = "check"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	var dest *string
	var force, noPDF *bool
	if !checkOnly {
		dest = fs.String("dest", "", "output folder (default SOURCE/public); only a new or empty folder or an earlier build's output is replaced")
		force = fs.Bool("force", false, "write into a --dest folder that holds files this generator did not write; those files are kept")
		noPDF = fs.Bool("no-pdf", false, "make no PDFs (and no links to them), whatever config.toml says")
	}
	base := fs.String("base-url", "", "override baseURL from config.toml")
	timings := fs.Bool("timings", false, "print how long each build stage took")
	fs.Usage = func() {
		if checkOnly {
			fmt.Fprintf(fs.Output(), "Usage: generator check [flags]\n\nRuns every check of build (configuration, front matter, templates, links, anchors) and writes nothing.\n\nFlags:\n")
		} else {
			fmt.Fprintf(fs.Output(), "Usage: generator build [flags]\n\nBuilds the site into a staging folder beside the output folder and puts it in place only when the\nwhole build succeeded. Files this generator did not write are never deleted or overwritten.\n\nFlags:\n")
		}
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	opt, err := c.options(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	}
	opt.CheckOnly = checkOnly
	if *base != "" {
		if err := new(config.Config).SetBaseURL(*base); err != nil {
			fmt.Fprintf(stderr, "generator %s: --base-url: %v\n", name, err)
			return exitUsage
		}
	}
	opt.BaseURL = *base
	if !checkOnly {
		if *dest != "" {
			if opt.Dest, err = filepath.Abs(*dest); err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return exitUsage
			}
		}
		opt.Force = *force
		opt.NoPDF = *noPDF
	} else {
		opt.NoPDF = true // check writes nothing: no PDFs to make
	}
	res, err := site.Build(ctx, opt)
	if err != nil {
		if code, ok := interruptCode(ctx, err); ok {
			fmt.Fprintln(stderr, "interrupted")
			return code
		}
		var refused *output.RefusedError
		if errors.As(err, &refused) {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return exitUsage
		}
		printDiagnostics(stderr, err)
		return exitError
	}
	if *timings {
		for _, ph := range res.Phases {
			fmt.Fprintf(stdout, "  %-26s %s\n", ph.Name, ph.Duration.Round(time.Millisecond))
		}
	}
	if checkOnly {
		fmt.Fprintf(stdout, "check: %d pages OK in %s\n", len(res.Site.Pages), res.Duration.Round(time.Millisecond))
	} else {
		o := res.Output
		fmt.Fprintf(stdout, "built %d pages and %d files into %s in %s (%d written, %d unchanged, %d removed)\n", res.Pages, res.Files, displayPath(opt), res.Duration.Round(time.Millisecond), o.Written, o.Unchanged, o.Removed)
		if o.Kept > 0 {
			fmt.Fprintf(stdout, "kept %d %s in %s that this generator did not write (put files in static/ to publish them with the site)\n", o.Kept, plural(o.Kept, "file", "files"), displayPath(opt))
		}
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func displayPath(opt site.Options) string {
	d := opt.Dest
	if d == "" {
		d = filepath.Join(opt.Root, "public")
	}
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, d); err == nil && len(r) < len(d) {
			return r
		}
	}
	return d
}

func cmdPDF(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pdf", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	guide := fs.String("guide", "", "the guide (its folder name, as in its URL); default: the whole knowledge base")
	out := fs.String("out", "", "the PDF file to write (default: GUIDE.pdf, or "+printdoc.WholeName+", in the current folder)")
	paper := fs.String("paper", "", "a4 or letter (default: [pdf] paper in config.toml, else a4)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: generator pdf [flags]\n\nMakes one PDF, of a guide or of the whole knowledge base, without building the site (Chromium needed).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if *paper != "" && *paper != "a4" && *paper != "letter" {
		fmt.Fprintf(stderr, "generator pdf: --paper %q: use a4 or letter\n", *paper)
		return exitUsage
	}
	opt, err := c.options(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	}
	opt.CheckOnly = true
	res, err := site.MakePDF(ctx, opt, *guide, *paper)
	if err != nil {
		if code, ok := interruptCode(ctx, err); ok {
			fmt.Fprintln(stderr, "interrupted")
			return code
		}
		if errors.Is(err, site.ErrNoSuchGuide) {
			fmt.Fprintf(stderr, "generator pdf: %v\n", err)
			return exitUsage
		}
		printDiagnostics(stderr, err)
		return exitError
	}
	file := *out
	if file == "" {
		file = filepath.Base(res.Print.PDF)
	}
	if err := writeFileAtomic(file, res.Data); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "wrote %s (%d pages, %s) in %s\n", file, res.Pages, render.FileSize(int64(len(res.Data))), res.Duration.Round(time.Millisecond))
	return exitOK
}

// writeFileAtomic writes data to file through a temporary file beside it,
// so that an interrupted write leaves the old file as it was.
func writeFileAtomic(file string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), file)
}
