"""URL shapes, pagination and the CMS family, read from URLs and pages the way the discovering spider
reads them (crawler/sites/shapes.py, crawler/extract/cms.py, crawler/fetch/feeds.py)."""

from __future__ import annotations

import pytest

from crawler.extract.cms import cms_family, generator
from crawler.extract.record import Page
from crawler.fetch.feeds import names_feed, read_feed, wanted_feed
from crawler.fetch.links import links_under, parse_page, scripted_links
from crawler.sites.shapes import ShapeBook, guess, page_of, shape_of
from tests.fixtures import FIXTURES

NUKEVIET = FIXTURES / "nukeviet-quangbinh"
WORDPRESS = FIXTURES / "wordpress-binhphuoc"


@pytest.mark.parametrize(("url", "kind"), [
    # *.dcs.vn: the portal's three ids, the category's two
    ("https://nghean.dcs.vn/vi-vn/tin/nang-cao-chat-luong/1-2-34842", "article"),
    ("https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2", "listing"),
    ("https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2?page=3", "listing"),
    # NukeViet: alias-id.html, however small the id; categories and their pages
    ("https://tinhuy.example/news/thoi-su/hoi-nghi-ban-chap-hanh-12.html", "article"),
    ("https://tinhuy.example/news/thoi-su/", "listing"),
    ("https://tinhuy.example/news/thoi-su/page-2/", "listing"),
    # WordPress: dated permalinks, the month's archive, the post's name alone
    ("https://dangbo.example/2025/05/20/tong-ket-cong-tac-dan-van/", "article"),
    ("https://dangbo.example/2025/05/", "listing"),
    ("https://dangbo.example/ban-thuong-vu-tinh-uy-hop-phien-thuong-ky/", "article"),
    # ...and a name as long as a headline, its numbers and all (SharePoint's friendly URLs)
    ("https://tinhuy.example/quan-huyen/quan-uy-ninh-kieu-tong-ket-5-nam-phong-trao-dan-van-kheo", "article"),
    ("https://tinhuy.example/xay-dung-dang/so-ket-3-nam-thuc-hien-nghi-quyet-21-nq-tw", "article"),
    ("https://dangbo.example/category/dan-van/page/2/", "listing"),
    # Liferay's asset publisher and friendly URLs; SharePoint's dated pages
    ("https://tinhuy.example/web/guest/tin-tuc/-/asset_publisher/Ab3dEf/content/hoi-nghi-tinh-uy", "article"),
    ("https://tinhuy.example/web/guest/tin-tuc/-/asset_publisher/Ab3dEf", "listing"),
    ("https://tinhuy.example/-/hoi-nghi-ban-chap-hanh", "article"),
    ("https://tinhuy.example/portal/Pages/2023-11-11/Thu-tuong-tham-va-lam-viec-vi5x3u4r.aspx", "article"),
    # What is never an article: files, searches, tags, contact, documents, sign-in
    ("https://tinhuy.example/uploads/news/2025_06/ke-hoach-215.pdf", "skip"),
    ("https://dangbo.example/?s=dan+van+kheo", "skip"),
    ("https://tinhuy.example/news/tag/d%C3%A2n-v%E1%BA%ADn", "skip"),
    ("https://tinhuy.example/contact/", "skip"),
    ("https://tinhuy.example/van-ban/detail/nghi-quyet-so-15-nq-tu/", "skip"),
    ("https://dangbo.example/wp-login.php", "skip"),
])
def test_a_url_is_taken_for_what_its_form_says(url: str, kind: str) -> None:
    assert guess(url) == kind


def test_a_long_name_is_an_article_only_where_the_cms_may_name_posts_so() -> None:
    about = "https://tinhuy.example/about/khai-quat-tinh-quang-binh-xua-nay.html"
    assert guess(about, "wordpress") == "article"
    assert guess(about, "nukeviet") == "listing"


def test_a_path_a_cms_reserves_for_its_documents_is_never_an_article() -> None:
    # Liferay 7.4's display pages: "/w/" a web content, "/d/" a document (liferay-haugiang).
    document = "https://tinhuy.example/d/ke-hoach-so-125-kh-tu"
    assert guess(document, "liferay") == "skip"
    assert guess("https://tinhuy.example/web/guest/d/ke-hoach-so-125-kh-tu", "liferay") == "skip"
    assert guess("https://tinhuy.example/w/tong-ket-cong-tac-xay-dung-dang", "liferay") != "skip"
    assert guess(document, "wordpress") != "skip"  # another CMS's "/d/" may be anything


def test_a_shape_keeps_the_structure_and_names_what_varies() -> None:
    first = shape_of("https://tinhuy.example/news/thoi-su/hoi-nghi-ban-chap-hanh-1234.html")
    second = shape_of("https://tinhuy.example/news/kinh-te/tong-ket-nam-2024-5678.html")
    assert first == second == "news/*/{slug-n}.html"
    assert shape_of("https://nghean.dcs.vn/vi-vn/tin/nang-cao/1-2-34842") == "vi-vn/tin/*/{n-n}"
    assert shape_of("https://tinhuy.example/about/co-cau-to-chuc.html") == "about/{slug}.html"
    assert shape_of("https://a.example/x?id=5&Page=2") == "{word}?id&page"
    # a name as long as a headline, numbers and all, is one shape; a section's name another
    titles = ("https://tinhuy.example/web/guest/w/uy-ban-kiem-tra-tinh-uy-thi-hanh-ky-luat-3-dang-vien-vi-pham",
              "https://tinhuy.example/web/guest/w/ban-thuong-vu-tinh-uy-cho-y-kien-ve-cong-tac-chuan-bi-dai-hoi")
    assert {shape_of(url) for url in titles} == {"web/*/*/{title}"}
    assert shape_of("https://tinhuy.example/tin-tuc/Pages/xay-dung-dang.aspx") == "tin-tuc/*/{slug}.aspx"
    # a query that routes keeps its route: news and documents are two shapes
    news = shape_of("https://bacgiang.example/index.php?mod=news&act=detail&id=4321")
    documents = shape_of("https://bacgiang.example/index.php?mod=vanban&act=detail&id=118")
    assert news == "{word}.php?act=detail&id&mod=news" and documents == "{word}.php?act=detail&id&mod=vanban"


@pytest.mark.parametrize(("url", "listing", "number"), [
    ("https://a.example/news/x/page-3/", "https://a.example/news/x", 3),
    ("https://a.example/news/x/", "https://a.example/news/x", 1),
    ("https://a.example/category/x/page/2/", "https://a.example/category/x", 2),
    ("https://a.example/tin-tuc/trang-2.aspx", "https://a.example/tin-tuc", 2),
    ("https://a.example/tin-tuc.aspx", "https://a.example/tin-tuc", 1),
    ("https://a.example/vi-vn/chuyen-muc/x/1-2?page=3", "https://a.example/vi-vn/chuyen-muc/x/1-2", 3),
    ("https://a.example/tin?p_p_id=abc&_abc_cur=4", "https://a.example/tin?p_p_id=abc", 4),
    # SharePoint's paging token: the row a page starts at, after the last item of the page before
    ("https://a.example/Pages/DanhSachTin.aspx?CatID=1&Paged=TRUE&p_NgayDang=20250527%2007%3a10%3a00&p_ID=247"
     "&PageFirstRow=3", "https://a.example/Pages/DanhSachTin?CatID=1", 3),
    ("https://a.example/Pages/DanhSachTin.aspx?CatID=1&Paged=TRUE&PagedPrev=TRUE&p_NgayDang=20250314%2008%3a40%3a00"
     "&p_ID=241&PageFirstRow=1", "https://a.example/Pages/DanhSachTin?CatID=1", 1),
    ("https://a.example/Pages/ChiTiet.aspx?p_ID=241", "https://a.example/Pages/ChiTiet?p_ID=241", 1),
    # ...and the view its pager names, which the first page's own link leaves out
    ("https://a.example/tintuc/Pages/default.aspx?Paged=TRUE&p_ArticleStartDate=20250428%2017%3a00%3a00&p_ID=104"
     "&View=%7b2C4E6A8B-1D3F-4A5B-8C7D-9E0F1A2B3C4D%7d&PageFirstRow=4", "https://a.example/tintuc/Pages/default", 4),
    ("https://a.example/Lists/TinTuc/AllItems.aspx?View=%7B5678AF9B-3DDE-5D08-855A-E6147CEB98B8%7D",
     "https://a.example/Lists/TinTuc/AllItems?View=%7B5678AF9B-3DDE-5D08-855A-E6147CEB98B8%7D", 1),
])
def test_a_listings_pages_name_their_listing_alike(url: str, listing: str, number: int) -> None:
    assert page_of(url) == (listing, number)


def test_a_shape_is_decided_by_what_its_pages_were() -> None:
    book = ShapeBook()
    gallery = "https://tinhuy.example/album/hoat-dong/le-ky-niem-{}.html"
    assert guess(gallery.format(12)) == "skip"  # "album": never fetched at all
    photos = "https://tinhuy.example/hinh-anh/hoat-dong/le-ky-niem-{}.html"
    assert book.kind(photos.format(1)) == "article"  # an id: fetched as one until its pages say otherwise
    for number in range(3):
        book.learn(photos.format(number), "page")
    assert book.kind(photos.format(9)) == "skip"
    category = "https://tinhuy.example/news/{}/"
    book.learn(category.format("thoi-su"), "listing")
    assert not book.is_listing_shape(category.format("kinh-te"))
    book.learn(category.format("xay-dung-dang"), "listing")
    assert book.is_listing_shape(category.format("kinh-te")) and book.kind(category.format("kinh-te")) == "listing"
    stored = book.learned()
    again = ShapeBook.from_counts(stored)
    assert again.kind(photos.format(9)) == "skip" and again.is_listing_shape(category.format("dan-van"))


def test_a_page_named_like_the_portals_articles_is_one_wherever_it_sits() -> None:
    """WordPress's /%category%/%postname%.html: a child category's post is one level down, a shape
    of its own that no page decided yet (wordpress-daknong)."""
    book = ShapeBook(cms="nukeviet")  # a long name alone is no article of this CMS's
    post = "https://tinhuy.example/{}/{}.html"
    child = post.format("tin-co-so/dak-song", "huyen-uy-dak-song-so-ket-3-nam-thuc-hien-chi-thi-so-05-ct-tu")
    assert book.kind(child) == "listing"
    book.learn(post.format("tin-hoat-dong", "hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-hai-muoi-bay"), "article")
    book.learn(post.format("xay-dung-dang", "tong-ket-cong-tac-xay-dung-dang-giai-doan-moi"), "article")
    assert book.kind(child) == "article"
    assert ShapeBook.from_counts(book.learned()).kind(child) == "article"
    # ...not a short name, and not once the name's pages were other pages too.
    assert book.kind(post.format("tin-co-so/dak-song", "gioi-thieu")) == "listing"
    book.learn(post.format("gioi-thieu", "lich-su-dang-bo-tinh-qua-cac-thoi-ky-va-nhiem-ky"), "page")
    assert book.kind(child) == "listing"
    # A shape its own pages decided keeps its verdict.
    book = ShapeBook.from_counts({"tin-hoat-dong/{title}.html": (5, 0, 0), "tin-co-so/*/{title}.html": (0, 2, 0)})
    assert book.kind(child) == "listing"


def test_a_shape_of_articles_may_hold_listings_but_hardly_other_pages() -> None:
    book = ShapeBook()
    url = "https://tinhuy.example/tin-tuc/Pages/{}.aspx"
    # Taken for a listing by its form (no id, a section's name); undecided until its pages say.
    assert book.kind(url.format("so-ket-quy-mot")) == "listing"
    assert book.undecided(url.format("so-ket-quy-mot"))
    book.learn(url.format("xay-dung-dang"), "listing")
    book.learn(url.format("le-ky-niem"), "article")
    book.learn(url.format("dai-hoi-chi-bo"), "article")
    # Mostly articles: read as articles (a listing fetched as one is read for its links all the same).
    assert book.decided(url.format("tong-ket-nam")) == "article" and not book.undecided(url.format("tong-ket-nam"))
    book.learn(url.format("gioi-thieu"), "page")
    # ...but not when another page of the shape may be an "about" page with a date.
    assert book.decided(url.format("tong-ket-nam")) is None and book.kind(url.format("tong-ket-nam")) == "listing"
    # A trial's verdict holds for the rest of the run, whatever the counts.
    book.verdicts[shape_of(url.format("tong-ket-nam"))] = "article"
    assert book.kind(url.format("so-ket-quy")) == "article"


def test_the_cms_family_is_read_from_the_page() -> None:
    def family(path: str, url: str = "https://tinhuy.example/") -> str | None:
        return cms_family(Page(url=url, body=(FIXTURES / path).read_bytes()))

    assert family("nghean/pages/home.html", "https://nghean.dcs.vn/vi-vn") == "dcs"
    assert family("generic-portals/pages/nukeviet-hatinh.html") == "nukeviet"
    assert family("generic-portals/pages/wordpress-binhdinh.html") == "wordpress"
    assert family("generic-portals/pages/liferay-quangtri.html") == "liferay"
    assert family("generic-portals/pages/homemade-angiang-1258.html") is None
    sharepoint = b'<html><head><meta name="GENERATOR" content="Microsoft SharePoint"></head><body></body></html>'
    assert cms_family(Page(url="https://a.example/", body=sharepoint)) == "sharepoint"
    assert generator(Page(url="https://a.example/", body=sharepoint)) == "Microsoft SharePoint"
    aspnet = b'<html><body><input type="hidden" name="__VIEWSTATE" value="x"></body></html>'
    assert cms_family(Page(url="https://shop.example/", body=aspnet)) is None  # ASP.NET alone is any .NET site
    assert cms_family(Page(url="https://haiphong.dcs.vn/", body=aspnet)) == "dcs"
    # Home-made portals, by the framework their pages show: a WebForms master page, a PHP front script
    webforms = aspnet.replace(b"</body>", b'<span id="ctl00_ContentPlaceHolder1_lblTieuDe">x</span></body>')
    assert cms_family(Page(url="https://travinh.example/", body=webforms)) == "aspnet-webforms"
    php = b"".join(b"<a href='index.php?mod=news&cat=%d'>x</a>" % n for n in range(3))
    assert cms_family(Page(url="https://bacgiang.example/", body=b"<html><body>" + php + b"</body></html>")) == (
        "homemade-php"
    )
    assert family("aspnet-travinh/pages/Default.aspx.html", "https://travinh.dcs.example/") == "aspnet-webforms"
    # A packaged ASP.NET CMS names itself in its generator meta (mojoPortal), a home-made one does not;
    # a generator on a page that is no WebForms page says nothing of the family.
    packaged = webforms.replace(b"<html>", b'<html><head><meta name="generator" content="mojoPortal"></head>')
    assert cms_family(Page(url="https://tinhuy.example/", body=packaged)) == "dcs"
    other = b'<html><head><meta name="generator" content="Joomla! - Open Source"></head><body></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=other)) is None
    # DNN Platform 9 off dcs.vn, its generator meta empty: its own markup says DotNetNuke.
    assert family("dcs-vinhphuc/pages/home.html", "https://vinhphuc.dcs.example/") == "dcs"
    dnn = aspnet.replace(b"</body>", b'<div class="DnnModule DnnModule-Blog DnnModule-412">x</div></body>')
    assert cms_family(Page(url="https://tinhuy.example/", body=dnn)) == "dcs"
    # Orchard Core, the family's ASP.NET Core CMS: no ViewState, no generator meta by default; its
    # content items' display route and its lists' feeds, or its X-Powered-By header, or a generator.
    assert family("dcs-ninhthuan/pages/home.html", "https://ninhthuan.dcs.example/") == "dcs"
    feed = b'<html><head><link href="/rss?contentItemId=4035kbaqqwf67xdc27xbs27o9p" rel="alternate"></head></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=feed)) == "dcs"
    plain = b"<html><body><p>x</p></body></html>"
    assert cms_family(Page(url="https://tinhuy.example/", body=plain, headers={"X-Powered-By": "OrchardCore"})) == "dcs"
    assert cms_family(Page(url="https://tinhuy.example/", body=plain)) is None
    orchard = b'<html><head><meta name="generator" content="Orchard"></head></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=orchard)) == "dcs"
    # Classic Orchard 1.x (ASP.NET MVC): no generator meta, no ViewState; its modules' and core's
    # resources on every page, a content item's display route.
    assert family("dcs-quangtri/pages/home.html", "https://tinhuy.quangtri.example/") == "dcs"
    modules = b'<html><head><script src="/Modules/Orchard.Resources/scripts/jquery.min.js"></script></head></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=modules)) == "dcs"
    item = b'<html><body><a href="/Contents/Item/Display/231">x</a></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=item)) == "dcs"
    # Umbraco, another ASP.NET Core CMS of the family: no generator, no ViewState; its media folders
    # of eight characters, a rich text's UDIs, its forms' route token.
    media = b'<html><body><img src="/media/bn2lq0vx/banner.jpg"><img src="/media/k3fzt1ad/logo.png"></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=media)) == "dcs"
    one = b'<html><body><img src="/media/bn2lq0vx/banner.jpg"><img src="/media/articles/a.jpg"></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=one)) is None  # any site's /media/ folder
    udi = b'<html><body><img src="/a.jpg" data-udi="umb://media/372a61a0c23057fe94b99a3d723b0136"></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=udi)) == "dcs"
    form = b'<html><body><form method="post"><input name="ufprt" type="hidden" value="4AFA"></form></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=form)) == "dcs"
    assert family("dcs-thanhhoa/pages/home.html", "https://thanhhoa.dcs.example/") == "dcs"
    # Piranha CMS, the family's ASP.NET Core CMS of posts in archives: its generator meta, or, left
    # out, its media folders named by GUID and its manager's address.
    assert family("dcs-thainguyen/pages/home.html", "https://thainguyen.dcs.example/") == "dcs"
    piranha = b'<html><head><meta name="generator" content="Piranha CMS 12.2.0"></head><body></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=piranha)) == "dcs"
    uploads = (
        b'<html><body><img src="/uploads/f8266878-269a-5a9c-9aa6-8ebf0352878d/hoi-nghi_1110x740.jpg">'
        b'<img src="/uploads/db7cda7d-97c3-5c0e-9ed2-592d44c04dba/cau_1110x740.jpg">'
        b'<a href="/manager">x</a></body></html>'
    )
    assert cms_family(Page(url="https://tinhuy.example/", body=uploads)) == "dcs"
    assert cms_family(Page(url="https://tinhuy.example/", body=uploads.replace(b"/manager", b"/lien-he"))) is None
    # BlogEngine.NET, the family's WebForms blog engine: no generator meta; its feed and semantic-web
    # handlers in <head>, its script object. Its ViewState and WebResource.axd alone are any WebForms site's.
    blog = webforms.replace(b"<html>", b'<html><head><link rel="alternate" type="application/rss+xml"'
                            b' href="https://tinhuy.example/syndication.axd"><link type="application/rdf+xml"'
                            b' rel="meta" href="https://tinhuy.example/sioc.axd"></head>')
    assert cms_family(Page(url="https://tinhuy.example/", body=blog)) == "dcs"
    # Oqtane, the family's ASP.NET Core CMS of Blazor modules: no generator meta, no ViewState; its App's
    # stylesheet slots in <head> and the render mode comment before each module, beside Blazor's script
    # (which alone is any Blazor application's).
    oqtane = (
        b'<html><head><base href="/" /><link id="app-stylesheet-page" /></head><body><main role="main">'
        b'<div class="container-fluid"><!-- rendermode: Static --><div>Tin</div></div></main>'
        b'<script src="_framework/blazor.web.js"></script></body></html>'
    )
    assert cms_family(Page(url="https://tinhuy.example/", body=oqtane)) == "dcs"
    blazor = b'<html><body><div>Tin</div><script src="_framework/blazor.web.js"></script></body></html>'
    assert cms_family(Page(url="https://tinhuy.example/", body=blazor)) is None


def test_sitemaps_and_feeds_list_their_pages() -> None:
    index = read_feed((NUKEVIET / "feeds" / "sitemap.xml").read_bytes(), "https://tinhuy.quangbinh.example/sitemap.xml")
    assert index.kind == "sitemapindex"
    assert "https://tinhuy.quangbinh.example/sitemap-vi.news.xml" in [entry.url for entry in index.sitemaps]
    news = read_feed((NUKEVIET / "feeds" / "sitemap-vi.news.xml").read_bytes(), "https://tinhuy.quangbinh.example/")
    assert news.kind == "urlset" and len(news.pages) >= 12
    rss = read_feed((NUKEVIET / "feeds" / "news-rss.xml").read_bytes(), "https://tinhuy.quangbinh.example/news/rss/")
    assert rss.kind == "feed" and any(entry.url.endswith("-5231.html") for entry in rss.pages)
    not_a_feed = read_feed(b"<html><body>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</body></html>", "https://a.example/rss")
    assert not_a_feed.kind == "unknown" and not not_a_feed.pages
    assert wanted_feed("https://a.example/wp-sitemap-posts-post-1.xml") and wanted_feed("https://a.example/feed/")
    assert not wanted_feed("https://a.example/comments/feed/")
    assert not wanted_feed("https://a.example/wp-sitemap-users-1.xml")
    assert not wanted_feed("https://a.example/sitemap-vi.van-ban.xml")
    # a syllable of a category's name is no section's name: "hình ảnh" (photo stories) is news
    assert wanted_feed("https://a.example/category/hinh-anh/feed/")
    assert not wanted_feed("https://a.example/anh/feed/") and not wanted_feed("https://a.example/tag/hoi-nghi/feed/")
    # A server's own route is no subject: SharePoint serves every list's feed under /_layouts/.
    assert wanted_feed("https://a.example/_layouts/15/feed.aspx?xsl=1&web=%2Fxay%2Ddung%2Ddang")
    assert not wanted_feed("https://a.example/_layouts/15/feed.aspx/comments")


def test_an_address_that_names_a_feed() -> None:
    """The links asked for as feeds, whatever the CMS; an article whose title has the word is none."""
    for url in ("https://a.example/rss.aspx", "https://a.example/rss/xay-dung-dang-12.rss",
                "https://a.example/web/guest/tin-tuc/-/asset_publisher/aB3k/rss",
                "https://a.example/_layouts/15/feed.aspx?xsl=1", "https://a.example/category/tin-tuc/feed/",
                # SharePoint 2007: one feed per list, served by a script named for it.
                "https://a.example/_layouts/listfeed.aspx?List=%7B8E1B5C3A-0F7D-4B52-9C1E-3A6D2F4B7E10%7D"):
        assert names_feed(url), url
    for url in ("https://a.example/tin-tuc/hoi-nghi-5231.html", "https://a.example/web/guest/xay-dung-dang",
                "https://a.example/web/guest/xay-dung-dang?p_p_resource_id=getRSS"):
        assert not names_feed(url), url


def test_a_link_that_goes_by_script_names_where_it_goes() -> None:
    """A pager whose links have no href but a script (SharePoint 2007's SubmitFormPost in onclick,
    2010's RefreshPageTo in a javascript: href): where the script goes; a link with a real href is
    links_of()'s, and a script with no address in it goes nowhere."""
    body = b"""<html><body>
    <A HREF="javascript:" OnClick='javascript:SubmitFormPost(
     "/tintuc/Pages/default.aspx?Paged=TRUE&p_ID=104&PageFirstRow=4");javascript:return false;'>Trang sau</A>
    <a href="javascript:RefreshPageTo(event,
     &quot;/Lists/TinTuc/AllItems.aspx?Paged=TRUE&amp;p_ID=44&amp;PageFirstRow=4&quot;);javascript:return false;">2</a>
    <a href="/gioi-thieu" onclick="track('/click/5')">Gioi thieu</a>
    <a href="#" onclick="window.print(); return false;">In</a>
    </body></html>"""
    page = Page("https://tinhuy.example/tintuc/Pages/default.aspx", body)
    tree = parse_page(page)
    assert tree is not None
    assert list(scripted_links(page, tree)) == [
        "https://tinhuy.example/tintuc/Pages/default.aspx?Paged=TRUE&p_ID=104&PageFirstRow=4",
        "https://tinhuy.example/Lists/TinTuc/AllItems.aspx?Paged=TRUE&p_ID=44&PageFirstRow=4",
    ]


def test_the_links_under_a_pages_own_path() -> None:
    """A category's page is the folder of its articles: what it links below its own path."""
    body = b"""<html><body><a href="/news/thoi-su/hoi-nghi-4291.html">a</a> <a href="mit-tinh-4259.html">b</a>
    <a href="/news/thoi-su/">itself</a> <a href="/news/xay-dung-dang/trao-huy-hieu-4270.html">c</a>
    <a href="https://other.example/news/thoi-su/x-1.html">d</a></body></html>"""
    page = Page("https://tinhuy.example/news/thoi-su/", body)
    tree = parse_page(page)
    assert tree is not None
    assert links_under(page, tree) == {"https://tinhuy.example/news/thoi-su/hoi-nghi-4291.html",
                                       "https://tinhuy.example/news/thoi-su/mit-tinh-4259.html"}
    article = Page("https://tinhuy.example/news/thoi-su/hoi-nghi-4291.html", body)
    assert links_under(article, tree) == set()


def test_a_path_held_in_the_query_is_read_as_the_path() -> None:
    # NukeViet with URL rewriting off: "/index.php?language=vi&nv=news&op=<cat>/<alias>-<id>.html" is
    # what it writes "/news/<cat>/<alias>-<id>.html" with it on; the category alone, its later pages
    # and its tag pages are the same script with other values of "op".
    base = "https://tinhuy.bacninh.example/index.php?language=vi&nv=news&op="
    article = base + "tin-co-so/dang-bo-phuong-tu-son-tong-ket-cong-tac-dan-van-nam-2026-2202.html"
    assert guess(article, "nukeviet") == "article"
    assert guess(base + "tin-co-so", "nukeviet") == "listing"
    assert guess(base + "tag/dan-van-kheo", "nukeviet") == "skip"
    assert page_of(base + "tin-co-so/page-2") == page_of(base + "tin-co-so")[:1] + (2,)
    assert len({shape_of(article), shape_of(base + "tin-co-so"), shape_of(base + "tin-co-so/page-2")}) == 3
    # A value that is an address of its own is no path of the script's.
    liferay = "https://tinhuy.example/web/guest/x?p_p_id=56&_56_struts_action=/journal/view&_56_articleId=15226"
    assert shape_of(liferay) == shape_of(liferay.replace("15226", "15231"))
