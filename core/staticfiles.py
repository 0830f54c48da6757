from django.contrib.staticfiles.finders import FileSystemFinder

# The npm packages' source maps (but Tom Select's: its minified files name them, and the hashed storage follows
# every name), ES-module and unminified builds: pages load only the minified bundles, and copying and
# compressing 46 MB of ECharts builds would slow every `make run`.
VENDOR_IGNORE = [
    "echarts*.map",
    "htmx*.map",
    "*.mjs",
    "*.d.ts",
    "*esm*",
    "*.cjs.js",
    "*.amd.js",
    "extension",
    "echarts.js",
    "echarts.common.js",
    "echarts.simple.js",
    "htmx.js",
    "ext",
    "*.gz",
    "cjs",
    "scss",
    "plugins",
    "tom-select.js",
    "tom-select.base*.js",
    "tom-select.complete.js",
]


class MinifiedVendorFinder(FileSystemFinder):
    """STATICFILES_DIRS (the npm packages) as collectstatic sees them: without the builds the pages never load."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *VENDOR_IGNORE])
