# Sourced by the benchmark scripts: writes a minimal Hugo site in $hs over
# the corpus in $work/content, with pages that show their table of contents
# and their section's navigation (as our guide sidebar), and sections that
# list their pages.
mkdir -p "$hs/layouts/_default"
ln -sfn "$work/content" "$hs/content"
cat > "$hs/hugo.toml" <<'TOML'
baseURL = "https://example.org/"
title = "Bench"
disableKinds = ["RSS"]
[markup.goldmark.renderer]
unsafe = false
TOML
cat > "$hs/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav>{{ with .CurrentSection }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat > "$hs/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}{{ end }}
HTML
cat > "$hs/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
HTML
