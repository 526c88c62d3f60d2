"""Header vocabulary: data file, normalisation, matching, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dualuse.input.headers import (
    HeaderMatch,
    Vocabulary,
    load_vocabulary,
    normalize_header,
)

VOCAB = load_vocabulary()
YAML_PATH = Path(__file__).resolve().parents[2] / "src" / "dualuse" / "input" / "headers.yaml"


def test_every_field_has_spellings_in_every_language() -> None:
    general = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))["fields"]
    assert {"id", "date", "exporter.name", "lines.hs_code", "licence_number", "producer.name"} <= set(general)
    for name in general:
        groups = VOCAB.by_language[name]
        assert set(groups) == {"en", "zh", "zh_hant", "ja"}, name
        assert all(groups.values()), name


@pytest.mark.parametrize("header, field", [
    ("end user", "end_user.name"), ("end_user", "end_user.name"), ("End User Name", "end_user.name"),
    ("最终用户", "end_user.name"), ("最终用户名称", "end_user.name"), ("最終用戶", "end_user.name"),
    ("最終需要者", "end_user.name"), ("エンドユーザー", "end_user.name"), ("ｴﾝﾄﾞﾕｰｻﾞｰ", "end_user.name"),
    ("consignee", "consignee.name"), ("收货人", "consignee.name"), ("收貨人", "consignee.name"),
    ("荷受人", "consignee.name"), ("Exporter Country", "exporter.country"),
    ("destination", "destination_country"), ("目的国", "destination_country"), ("仕向地", "destination_country"),
    ("control code", "lines.control_code"), ("管制编码", "lines.control_code"), ("管制編碼", "lines.control_code"),
    ("HS", "lines.hs_code"), ("HS code", "lines.hs_code"), ("海关编码", "lines.hs_code"),
    ("商品编码", "lines.hs_code"), ("HSコード", "lines.hs_code"), ("ＨＳコード", "lines.hs_code"),
    ("china origin share", "lines.china_origin_value_share"),
    ("中国原产价值占比", "lines.china_origin_value_share"),
    ("品名", "lines.description"), ("货物描述", "lines.description"), ("品名・仕様", "lines.description"),
    ("原产国", "lines.origin_country"), ("原産国", "lines.origin_country"),
    ("最终用途", "end_use"), ("用途", "end_use"), ("最終用途", "end_use"),
    ("货运编号", "id"), ("出荷番号", "id"), ("Shipment_ID", "id"), ("  SHIPMENT-ID  ", "id"),
    ("lines.hs_code", "lines.hs_code"), ("end_user.country", "end_user.country"),
])
def test_spellings(header: str, field: str) -> None:
    assert VOCAB.match(header) == HeaderMatch("field", field=field)


@pytest.mark.parametrize("header, sub, number", [
    ("intermediary 1 name", "name", 1), ("Intermediary_2_Country", "country", 2), ("intermediary 3 role", "role", 3),
    ("intermediary", "name", 1), ("intermediary country", "country", 1), ("intermediary role", "role", 1),
    ("中间商1名称", "name", 1), ("中间商2国家", "country", 2), ("中間商1角色", "role", 1), ("仲介者2名", "name", 2),
    ("Intermediary #12 Address", "address", 12), ("intermediaries.2.country", "country", 2),
])
def test_intermediary_columns(header: str, sub: str, number: int) -> None:
    assert VOCAB.match(header) == HeaderMatch("intermediary", field=sub, number=number)


@pytest.mark.parametrize("header, name", [
    ("param:purity_percent", "purity_percent"), ("Param: grade", "grade"), ("PARAMETER:size_um", "size_um"),
    ("参数：纯度", "纯度"), ("パラメータ:純度", "純度"),
])
def test_parameter_columns(header: str, name: str) -> None:
    assert VOCAB.match(header) == HeaderMatch("parameter", parameter=name)


@pytest.mark.parametrize("header", ["ECCN", "eccn", "該当項番", "remarks", "备注", ""])
def test_not_mapped(header: str) -> None:
    assert VOCAB.match(header) is None


@pytest.mark.parametrize("header, source", [
    ("征免", "cn-export-declaration-2018"), ("运输方式", "cn-export-declaration-2018"),
    ("毛重（千克）", "cn-export-declaration-2018"), ("Carton No.", "packing-list"), ("Plant", "erp-export"),
])
def test_known_fields_that_are_kept_as_written(header: str, source: str) -> None:
    assert VOCAB.match(header) == HeaderMatch("kept")
    assert VOCAB.source_of(header) == source


@pytest.mark.parametrize("header, field, source", [
    ("境内发货人", "exporter.name", "cn-export-declaration-2018"),
    ("境外收货人", "consignee.name", "cn-export-declaration-2018"),
    ("运抵国（地区）", "arrival_country", "cn-export-declaration-2018"),
    ("运抵国", "arrival_country", "cn-export-declaration-2018"),
    ("贸易国(地区)", "trade_country", "cn-export-declaration-2018"),
    ("商品名称及规格型号", "lines.name_specification", "cn-export-declaration-2018"),
    ("商品名称、规格型号", "lines.name_specification", "cn-export-declaration-pre-2018"),
    ("数量及单位", "lines.quantity_unit", "cn-export-declaration-2018"),
    ("单价/总价/币制", "lines.price_total_currency", "cn-export-declaration-2018"),
    ("原产国（地区）", "lines.origin_country", "cn-export-declaration-2018"),
    ("最终目的国（地区）", "destination_country", "cn-export-declaration-2018"),
    ("境内货源地", "lines.domestic_source", "cn-export-declaration-2018"),
    ("生产销售单位", "producer.name", "cn-export-declaration-2018"),
    ("许可证号", "licence_number", "cn-export-declaration-2018"),
    ("预录入编号", "documents.pre_entry_number", "cn-export-declaration-2018"),
    ("海关编号", "documents.declaration_number", "cn-export-declaration-2018"),
    ("EntryId", "documents.declaration_number", "cn-customs-data-interchange"),
    ("GName", "lines.description", "cn-customs-data-interchange"),
    ("DeclTotal", "lines.value", "cn-customs-data-interchange"),
    ("发货单位", "producer.name", "cn-export-declaration-pre-2018"),
    ("Invoice No.", "documents.invoice_number", "invoice-en"),
    ("发票号", "documents.invoice_number", "invoice-zh"),
    ("インボイス番号", "documents.invoice_number", "invoice-ja"),
    ("Sold-To Party", "buyer.name", "invoice-en"),
    ("Ship-To Party", "consignee.name", "invoice-en"),
    ("Notify Party", "notify.name", "invoice-en"),
    ("装箱单号", "documents.packing_list_number", "packing-list"),
    ("注文番号", "documents.order_number", "order-ja"),
    ("発注者", "buyer.name", "order-ja"),
    ("仕入先", "seller.name", "order-ja"),
    ("納期", "documents.delivery_date", "order-ja"),
    ("Billing Date", "documents.invoice_date", "erp-export"),
    ("Net Value", "lines.value", "erp-export"),
])
def test_document_vocabularies(header: str, field: str, source: str) -> None:
    assert VOCAB.match(header) == HeaderMatch("field", field=field)
    assert VOCAB.source_of(header) == source


def test_general_spellings_name_their_source() -> None:
    assert VOCAB.source_of("consignee") == "general" and VOCAB.source_of("no such header") is None


def test_every_document_group_names_its_source_and_kind() -> None:
    spec = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    ids = [group["id"] for group in spec["documents"]]
    assert len(ids) == len(set(ids))
    for group in VOCAB.documents:
        assert len(group.source) > 40, group.id
        assert group.kind in ("declaration", "invoice", "packing_list", "contract", "order", "delivery_note", "erp")


@pytest.mark.parametrize("header, field", [
    ("品名 Description", "lines.description"), ("卖方 Seller", "seller.name"), ("金额 Amount (USD)", "lines.value"),
    ("发票号/Invoice No.", "documents.invoice_number"), ("序号 No.", "lines.line"),
])
def test_bilingual_headers(header: str, field: str) -> None:
    assert VOCAB.match(header) == HeaderMatch("field", field=field)


def test_bilingual_headers_that_disagree_are_unknown() -> None:
    assert VOCAB.match("收货人 Exporter") is None
    assert VOCAB.match("No.", form=True) == HeaderMatch("field", field="documents.number")
    assert VOCAB.match("No.") is None


def test_explanations() -> None:
    assert "US Export Control Classification Number" in VOCAB.explain_unknown("ECCN")
    assert VOCAB.match("运抵国（地区）") == HeaderMatch("field", field="arrival_country")
    assert 'did you mean "end user country"?' in VOCAB.explain_unknown("end usr country")
    assert VOCAB.match("errors") == HeaderMatch("ignored")


def test_normalisation() -> None:
    assert normalize_header(" End-User_Country ") == "endusercountry"
    assert normalize_header("ＥＮＤ　ＵＳＥＲ") == "enduser"
    assert normalize_header("品名・仕様") == normalize_header("品名･仕様") == "品名仕様"
    assert normalize_header("Value (USD)") == "valueusd"


def test_clashing_vocabulary_is_refused() -> None:
    spec = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    spec["fields"]["consignee.name"]["en"].append("End User")
    with pytest.raises(ValueError, match="listed for both consignee.name and end_user.name"):
        Vocabulary(spec)
    spec = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    spec["fields"]["lines.unit"]["en"].append("intermediary 4")
    with pytest.raises(ValueError, match="is both lines.unit and intermediary name"):
        Vocabulary(spec)
    spec = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    spec["fields"]["lines.colour"] = ["colour"]
    with pytest.raises(ValueError, match="unknown canonical fields"):
        Vocabulary(spec)
    spec = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    spec["fields"]["lines.unit"]["ko"] = ["단위"]
    with pytest.raises(ValueError, match="unknown languages"):
        Vocabulary(spec)
