package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os/exec"
	"runtime"
	"strconv"

	"vepkb/generator/internal/preview"
	"vepkb/generator/internal/watch"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	bind := fs.String("bind", "127.0.0.1", "address to listen on (another than loopback exposes drafts to the network)")
	port := fs.Int("port", 1313, "port to listen on (0: any free port)")
	open := fs.Bool("open", false, "open the site in the default browser")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: generator serve [flags]\n\n"+
			"Builds the site into a private temporary folder (public/ is not touched), serves it, and rebuilds\n"+
			"on every save: open pages reload by themselves, and errors show over the last good page.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "generator serve: --port %d is not a port number\n", *port)
		return exitUsage
	}
	opt, err := c.options(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	}
	if !loopback(*bind) {
		fmt.Fprintf(stderr, "warning: --bind %s: the preview, drafts included, is reachable from the network, not only from this computer\n", *bind)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "error: cannot listen on %s:%d: %v\n", *bind, *port, err)
		return exitError
	}
	srv, err := preview.Start(preview.Options{Site: opt, Listener: ln, Log: stdout})
	if err != nil {
		ln.Close()
		var le *watch.LimitError
		if errors.As(err, &le) {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return exitError
		}
		printDiagnostics(stderr, err)
		return exitError
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "serving at %s — watching for changes (press Ctrl+C to stop)\n", srv.URL())
	if *open {
		if err := openBrowser(srv.URL()); err != nil {
			fmt.Fprintf(stderr, "warning: cannot open a browser: %v\n", err)
		}
	}
	if err := srv.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitError
	}
	fmt.Fprintln(stdout, "stopped")
	return exitOK
}

// loopback reports whether host names only this computer: "localhost" or a
// loopback address. Anything else (a LAN address, 0.0.0.0, ::) listens on
// the network.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openBrowser opens url with the system's default browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
