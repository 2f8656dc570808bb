"""Open data: the catalogue for programs and other sites (API, downloads, feeds, sitemap)."""
