// Command generator builds the knowledge base: Markdown guides in content/
// become a static site in public/.
//
//	go run ./generator build   [--source DIR] [--content DIR] [--dest DIR] [--drafts] [--base-url URL]
//	go run ./generator serve   [--source DIR] [--content DIR] [--bind 127.0.0.1] [--port 1313] [--drafts]
//	go run ./generator check   [--source DIR] [--content DIR] [--drafts]
//	go run ./generator pdf     [--guide NAME] [--out FILE] [--paper a4|letter]
//	go run ./generator version
//
// Exit codes: 0 success, 1 content, configuration or template errors, 2 usage errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"vepkb/generator/internal/diag"
)

// Version is the generator's version, set at link time for releases.
var Version = "0.1.0-dev"

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	ctx, stop := interruptible(context.Background())
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig syscall.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// interruptible returns a context that Ctrl+C (SIGINT) or SIGTERM cancels
// with an interrupted cause. A second signal ends the process at once.
func interruptible(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{sig})
			select {
			case <-ch:
				os.Exit(128 + int(sig))
			case <-done:
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// interruptCode returns the exit code for a command stopped by a signal
// (128 + the signal's number, as shells report it) and whether it was.
func interruptCode(ctx context.Context, err error) (int, bool) {
	var in interrupted
	if errors.As(err, &in) || errors.As(context.Cause(ctx), &in) && errors.Is(err, context.Canceled) {
		return 128 + int(in.sig), true
	}
	return 0, false
}

const usage = `generator builds the CSO–prison practice knowledge base into a static site.

Usage:
  generator <command> [flags]

Commands:
  build     build the site into public/ (or --dest)
  serve     build the site and serve it at http://127.0.0.1:1313/
  check     run every check of build without writing output
  pdf       make one guide's PDF (or the whole knowledge base's) without a build
  version   print the version

Run "generator <command> --help" for a command's flags.
Exit codes: 0 success, 1 content, configuration or template errors, 2 usage errors
(or an output folder that may not be written), 130 interrupted (Ctrl+C), 143 stopped (SIGTERM).
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: internal error: %v\nPlease report this with the command you ran.\n", r)
			code = exitError
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return cmdBuild(ctx, rest, stdout, stderr, false)
	case "check":
		return cmdBuild(ctx, rest, stdout, stderr, true)
	case "pdf":
		return cmdPDF(ctx, rest, stdout, stderr)
	case "serve", "server":
		return cmdServe(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "generator %s\n", Version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "generator: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

// parseFlags parses fs, printing help to stdout for --help (exit 0) and
// errors to stderr (exit 2). It returns -1 when the command should go on.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "generator %s: %v\n", fs.Name(), err)
		fs.SetOutput(stderr)
		fs.Usage()
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "generator %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage
	}
	return -1
}

// printDiagnostics writes each diagnostic on its own line, then a count.
func printDiagnostics(w io.Writer, err error) {
	ds := diag.As(err)
	if len(ds) == 0 {
		fmt.Fprintf(w, "error: %v\n", err)
		return
	}
	for _, d := range ds {
		fmt.Fprintf(w, "%s\n", d.Error())
	}
	if len(ds) == 1 {
		fmt.Fprintln(w, "1 error")
	} else {
		fmt.Fprintf(w, "%d errors\n", len(ds))
	}
}
