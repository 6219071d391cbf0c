"""Scrapy's own command line for this project (COMMANDS_MODULE): `scrapy crawl` with tinbai's exit codes."""
