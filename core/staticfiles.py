from django.contrib.staticfiles.apps import StaticFilesConfig


class TongxinStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out the npm packages' source maps, ES-module and unminified builds: the pages load
    only the minified bundles, and copying and compressing 46 MB of echarts builds would slow `make run`."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
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
    ]
