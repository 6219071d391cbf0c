from crawler.extract.urls import canonical_url
from crawler.sites import for_url, get


def test_tracking_parameters_ports_fragments_and_slashes_go() -> None:
    url = "https://NGHEAN.dcs.vn:443//vi-vn/tin/x/1-2-3?utm_source=facebook&utm_medium=social&fbclid=IwAR2&zarsrc=30#top"
    assert canonical_url(url) == "https://nghean.dcs.vn/vi-vn/tin/x/1-2-3"


def test_meaningful_parameters_stay() -> None:
    assert canonical_url("https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2?page=2") == (
        "https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2?page=2"
    )


def test_nghean_url_shapes() -> None:
    profile = get("nghean")
    assert profile.is_article("https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345")
    assert not profile.is_article("https://nghean.dcs.vn/vi-vn/chuyen-muc/chinh-quyen/1-5")
    assert profile.is_listing("https://nghean.dcs.vn/vi-vn/chuyen-muc/chinh-quyen/1-5?page=3")
    assert not profile.is_listing("https://baonghean.vn/vi-vn/chuyen-muc/chinh-quyen/1-5")
    assert profile.article_id("https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345") == "12345"
    assert for_url("https://nghean.dcs.vn/vi-vn") is profile
    assert for_url("https://example.org/") is None


def test_query_parameters_keep_the_order_the_page_wrote() -> None:
    # w3lib sorts them; "index.php?act=detail&id=3872&mod=news" is no address the portal showed.
    url = "https://bacgiang.dcs.example/index.php?mod=news&act=detail&id=3872&utm_source=zalo"
    assert canonical_url(url) == "https://bacgiang.dcs.example/index.php?mod=news&act=detail&id=3872"


def test_a_delimiter_written_escaped_in_a_path_stays_escaped() -> None:
    # A comma in an Articulate category's name: IIS serves the escaped form, not "Ki%E1%BB%83m%20tra,%20...".
    url = "https://tinhuy.langson.example/chuyen-muc/Ki%e1%bb%83m%20tra%2c%20gi%c3%a1m%20s%c3%a1t"
    assert canonical_url(url) == "https://tinhuy.langson.example/chuyen-muc/Ki%E1%BB%83m%20tra%2C%20gi%C3%A1m%20s%C3%A1t"
    assert canonical_url("https://x.example/a%26b%2Bc%3dd/(e)") == "https://x.example/a%26b%2Bc%3Dd/(e)"
    # ...and one written plain stays plain; the query is w3lib's as before
    assert canonical_url("https://x.example/a,b/?q=a%2cb") == "https://x.example/a,b/?q=a%2Cb"
def test_a_query_route_keeps_its_language_and_its_slashes_as_written() -> None:
    # NukeViet with rewriting off: the query is the route, "language=vi" one of its parts (the
    # address without it answers a redirect back), and "op" holds a path whose slash is written as is.
    article = "https://tinhuy.bacninh.example/index.php?language=vi&nv=news&op=tin-co-so/dang-bo-phuong-2202.html"
    assert canonical_url(article) == article
    assert canonical_url(article + "&utm_source=facebook&utm_medium=social") == article
    # An escaped slash stays escaped (Liferay's "redirect=%2Fweb%2Fguest%2F...").
    liferay = "https://tinhuy.hue.example/web/guest/x/-/asset_publisher/Xd5p/content/a?redirect=%2Fweb%2Fguest%2Fx"
    assert canonical_url(liferay) == liferay
    # A language switch alone on an address chosen by its path adds nothing.
    assert canonical_url("https://nghean.dcs.vn/vi-vn/tin/x/1-2-3?lang=vi&utm_source=zalo") == (
        "https://nghean.dcs.vn/vi-vn/tin/x/1-2-3"
    )
