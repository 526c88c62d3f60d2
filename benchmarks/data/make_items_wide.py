#!/usr/bin/env python3
"""Write ``items_wide.csv``: the wider item-classification development set (see README.md here).

Same columns as ``../shared/eval/items_dev.csv`` (id, query, query_kind,
language, expected_codes, expected_status, note), so ``score.py items`` scores
it. Rows:

* control codes: drawn with a fixed seed from the packaged catalogue's codes
  and written the ways documents write them (full width, lower case, spaces,
  Chinese stops, field labels), plus codes of other regimes that China's list
  does not use (expected ``not_controlled``);
* HS codes and descriptions: written by hand from the Chinese entry text
  (目录原文摘要 and the announcements) and the English reference text of the
  same number, with the expected status judged from the Chinese text; and
  everyday goods in English, Chinese and Japanese (no entry), including goods
  that share a material word with an entry (titanium spectacle frames,
  graphite pencils, a lithium-ion power bank).

The split into a tuning part and a held-out part is by control code (see
``benchmarks/items_eval.py``): it is not written here, so nobody chooses it
row by row.

Usage: python benchmarks/data/make_items_wide.py   (rewrites items_wide.csv)
"""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
C, N, P = "controlled", "not_controlled", "needs_parameters"

# --------------------------------------------------------------------------- descriptions
# (query, language, expected codes, expected status, note)
DESCRIPTIONS: list[tuple[str, str, str, str, str]] = [
    # --- English, listed items
    ("Bacillus anthracis isolate, freeze-dried", "en", "1C351.c.1", C, "human pathogen list, no thresholds"),
    ("Francisella tularensis live culture", "en", "1C351.c.7", C, "human pathogen list"),
    ("Brucella melitensis reference strain", "en", "1C351.c.3", C, "human pathogen list"),
    ("Clostridium botulinum type A strain", "en", "1C351.c.6", C, "human pathogen list"),
    ("Marburg virus isolate", "en", "1C351.a.11", C, "viruses of 1C351.a"),
    ("foot-and-mouth disease virus sample", "en", "1C351.a.37", C, "animal pathogen in 1C351.a"),
    ("conotoxin, 1 mg, research grade", "en", "1C351.d.3", C, "toxins of 1C351.d"),
    ("tetrodotoxin 1 mg vial", "en", "1C351.d.7", C, "toxins of 1C351.d"),
    ("potato spindle tuber viroid", "en", "1C354.a.2", C, "plant pathogens"),
    ("potassium fluoride, anhydrous, 25 kg bags", "en", "1C350.b", C, "1C350.b KF (CAS 7789-23-3)"),
    ("sodium fluoride powder 98%", "en", "1C350.c", C, "1C350.c NaF, no purity threshold"),
    ("sodium sulfide flakes 60%", "en", "1C350.d", C, "1C350.d Na2S"),
    ("diisopropylamine 99%", "en", "1C350.h", C, "1C350.h"),
    ("2-chloroethanol", "en", "1C350.j", C, "1C350.j"),
    ("potassium perchlorate", "en", "1C350.k", C, "1C350.k (CAS 7778-74-7)"),
    ("N,N-diethylethanolamine (DEAE)", "en", "1C350.i", C, "1C350.i"),
    ("ammonium hydrogen fluoride", "en", "1C350.g", C, "1C350.g ammonium bifluoride"),
    ("phosphorus trichloride, industrial grade", "en", "1C450.c.6", C, "CWC schedule 3 chemical, 1C450.c.6"),
    ("trimethyl phosphite", "en", "1C450.c.8", C, "1C450.c.8"),
    ("arsenic trichloride", "en", "1C450.b.7", C, "1C450.b.7"),
    ("potassium cyanide", "en", "1C450.c.21", C, "1C450.c.21"),
    ("hydrogen cyanide", "en", "1C450.c.3", C, "1C450.c.3"),
    ("unsymmetrical dimethylhydrazine (UDMH) rocket propellant", "en", "1C111.a.2", C, "liquid propellant 1C111.a.2"),
    ("monomethylhydrazine", "en", "1C111.a.3", C, "1C111.a.3"),
    ("spherical aluminium powder, 20 µm, for propellants", "en", "1C111.b.3", P, "1C111.b.3: particle size and Al content thresholds; Al content not given"),
    ("RDX (cyclotrimethylenetrinitramine) explosive", "en", "1C239", C, "1C239 high explosives"),
    ("tributyl phosphate (TBP), extraction grade", "en", "1C501", C, "1C501 TBP"),
    ("chlorine trifluoride", "en", "1C238", C, "1C238 ClF3"),
    ("hafnium crystal bar, 99.9%", "en", "1C231", C, "hafnium metal is listed in 1C231 without a threshold"),
    ("beryllium metal powder", "en", "1C230", C, "1C230 beryllium metal"),
    ("helium-3 gas cylinder", "en", "1C232", C, "1C232 helium-3"),
    ("lithium enriched in lithium-6", "en", "1C233", C, "1C233"),
    ("boron-10 enriched elemental boron", "en", "1C225", C, "1C225"),
    ("rhenium metal pellets", "en", "1C241", P, "1C241: rhenium only in hollow cylindrical forms of given size and mass"),
    ("titanium alloy forged bar, 100 mm outside diameter", "en", "1C202.b", P, "1C202.b: UTS >= 900 MPa capability not given"),
    ("aluminium alloy 6061-T6 tube, 100 mm OD", "en", "", N, "6061-T6 reaches about 310 MPa, below the 460 MPa of 1C202.a"),
    ("aramid fibre yarn", "en", "1C210", P, "1C210: specific modulus / specific strength thresholds"),
    ("filament winding machine, CNC, 4 axes", "en", "1B201.a", P, "1B201.a: tube diameter and length capability thresholds"),
    ("isostatic press, working pressure 200 MPa, chamber inner diameter 300 mm", "en", "2B204.a", C, "2B204.a: >= 69 MPa and chamber ID > 152 mm"),
    ("isostatic press, maximum pressure 50 MPa, chamber ID 100 mm", "en", "", N, "below 2B204.a (69 MPa, 152 mm) and 2B104"),
    ("electron beam melting furnace, 100 kW", "en", "2B227.b", P, "2B227.b: power >= 50 kW met, melt temperature not given"),
    ("gas centrifuge frequency changer", "en", "3A225", P, "3A225: output frequency, distortion and control thresholds"),
    ("triggered spark gap, anode delay 5 µs, peak current 1 kA", "en", "3A228.b", C, "3A228.b: delay <= 15 µs and current >= 500 A"),
    ("cold cathode tube, 5 kV", "en", "3A228.a", P, "3A228.a: peak current and delay time not given"),
    ("ICP mass spectrometer", "en", "3A233.a", P, "3A233: mass range and resolution thresholds of the heading"),
    ("fibre optic gyroscope, bias drift 0.01°/h", "en", "7A102", C, "7A102: drift rate stability below 0.5°/h"),
    ("MEMS gyroscope, drift rate 10°/h", "en", "", N, "7A102 needs drift below 0.5°/h"),
    ("turbojet engine for UAV, 1.5 kN thrust", "en", "9A101", P, "9A101.a: thrust met, specific fuel consumption not given"),
    ("solid rocket motor test stand, 100 kN thrust", "en", "9B117", C, "CN 9B117.a: thrust > 90 kN"),
    ("directional solidification casting furnace for superalloy turbine blades", "en", "9B001.a", C, "9B001.a"),
    ("ceramic cores for turbine blade investment casting", "en", "9B001.b", C, "9B001.b casting tooling"),
    ("scramjet engine demonstrator", "en", "9A111.b", C, "9A111.b"),
    ("quantum key distribution system", "en", "5A002.f", C, "5A002.f quantum cryptography"),
    ("hybrid analogue-digital computer for missile simulation", "en", "4A102", C, "4A102"),
    ("anti-drone laser, 3 kW output power", "en", "0A903.b", C, "0A903.b: > 1.5 kW"),
    ("anti-drone laser, 1 kW output", "en", "", N, "0A903.b needs > 1.5 kW"),
    ("high pressure water cannon vehicle", "en", "0A901", P, "0A901 range/flow/pressure thresholds"),
    ("UHMWPE soft unidirectional laminate sheets", "en", "1C901.b", C, "1C901.b"),
    ("scandium oxide 99.99%", "en", "1C907.b", C, "1C907.b"),
    ("yttrium oxide Y2O3 5N powder", "en", "1C908.b", C, "1C908.b"),
    ("gadolinium metal ingot", "en", "1C903.a.1", C, "1C903.a.1"),
    ("dysprosium-iron alloy", "en", "1C905.a.2.a", C, "1C905.a.2.a"),
    ("lutetium oxide", "en", "1C906.b", C, "1C906.b"),
    ("InP substrate, 3 inch", "en", "3C004.a", C, "3C004.a indium phosphide"),
    ("triethylindium, electronic grade", "en", "3C004.c", C, "3C004.c"),
    ("bismuth germanate (BGO) scintillation crystal", "en", "6C001.b", C, "6C001.b"),
    ("triphenylbismuth", "en", "6C001.c", C, "6C001.c"),
    ("bismuth ingot 99.99%, silver 50 ppm", "en", "6C001.a;1C229", C, "fails 1C229 (Ag < 10 ppm) but all other bismuth metal is 6C001.a"),
    ("tellurium ingot 99.99%", "en", "6C002.a", C, "6C002.a, no purity threshold in the Chinese entry"),
    ("cadmium telluride wafer", "en", "6C002.b.1", C, "6C002.b.1"),
    ("gallium nitride wafer, 4 inch", "en", "3C001.b", C, "3C001.b"),
    ("germanium tetrachloride", "en", "3C002.f", C, "3C002.f"),
    ("antimony ore concentrate", "en", "3C003.a", C, "3C003.a"),
    ("triethylantimony 99.9999%", "en", "3C003.d", C, "3C003.d: purity > 99.999%"),
    ("trimethylantimony 99.9%", "en", "", N, "3C003.d needs > 99.999%"),
    ("indium antimonide single crystal wafer, dislocation density 20 per cm2", "en", "3C003.f", C, "3C003.f: < 50 per cm2"),
    ("tungsten carbide powder", "en", "1C117.d.3;1C226", C, "tungsten carbide not under 1C226 is 1C117.d.3"),
    ("tungsten trioxide, yellow", "en", "1C117.d.2", C, "1C117.d.2 tungsten oxide"),
    ("molybdenum powder 99.95%, 3 µm", "en", "1C117.b", C, "1C117.b molybdenum powder"),
    ("isostatic graphite block, density 1.85 g/cm3, purity 99.95%, flexural strength 45 MPa", "en", "1C108", C, "1C108.b thresholds met"),
    ("natural flake graphite, -100 mesh, 95% C", "en", "1C108.c", C, "1C108.c"),
    ("laboratory bioreactor, 5 L vessel", "en", "", N, "2B352.b.1 fermenters need >= 20 L"),
    ("hydrazine hydrate", "en", "1C111.a.1", P, "1C111.a.1: hydrazine in concentrations of 70% or more"),
    ("radar altimeter designed for missiles", "en", "7A106", C, "7A106 altimeters designed or modified for missiles"),
    ("telemetry transmitter designed for missiles", "en", "5A101", C, "5A101"),
    # --- Chinese, listed items
    ("三氯化磷", "zh", "1C450.c.6", C, "1C450.c.6"),
    ("氰化钾", "zh", "1C450.c.21", C, "1C450.c.21"),
    ("亚磷酸三甲酯", "zh", "1C450.c.8", C, "1C450.c.8"),
    ("二甲胺 40%水溶液", "zh", "1C450.c.24", C, "1C450.c.24"),
    ("三氯化砷", "zh", "1C450.b.7", C, "1C450.b.7"),
    ("频哪酮", "zh", "1C450.c.20", C, "1C450.c.20 pinacolone"),
    ("五硫化二磷", "zh", "1C450.c.23", C, "1C450.c.23"),
    ("氯化氰", "zh", "1C450.c.2", C, "1C450.c.2"),
    ("氟化钾", "zh", "1C350.b", C, "1C350.b"),
    ("二异丙胺", "zh", "1C350.h", C, "1C350.h"),
    ("高氯酸钾", "zh", "1C350.k", C, "1C350.k"),
    ("偏二甲肼", "zh", "1C111.a.2", C, "1C111.a.2"),
    ("红发烟硝酸", "zh", "1C111.a.6", C, "1C111.a.6"),
    ("球形铝粉 粒径30微米", "zh", "1C111.b.3", P, "1C111.b.3: Al content not given"),
    ("黑索金炸药", "zh", "1C239", C, "1C239 high explosives"),
    ("磷酸三丁酯", "zh", "1C501", C, "1C501"),
    ("三氟化氯", "zh", "1C238", C, "1C238"),
    ("炭疽芽孢杆菌菌株", "zh", "1C351.c.1", C, "1C351.c.1"),
    ("马尔堡病毒", "zh", "1C351.a.11", C, "1C351.a.11"),
    ("裂谷热病毒", "zh", "1C351.a.13", C, "1C351.a.13"),
    ("口蹄疫病毒", "zh", "1C351.a.37", C, "1C351.a.37"),
    ("蓖麻毒素", "zh", "1C450.a.8", C, "ricin is 1C450.a.8 in China's list"),
    ("石房蛤毒素", "zh", "1C450.a.7", C, "saxitoxin 1C450.a.7"),
    ("黄曲霉毒素", "zh", "1C351.d.9", C, "1C351.d.9"),
    ("金属铍粉", "zh", "1C230", C, "1C230"),
    ("铼粒", "zh", "1C241", P, "1C241 form and mass thresholds"),
    ("氦-3气体", "zh", "1C232", C, "1C232"),
    ("纤维缠绕机", "zh", "1B201.a", P, "1B201.a"),
    ("等静压机 最大工作压力200MPa 内腔直径300mm", "zh", "2B204.a", C, "2B204.a thresholds met"),
    ("电子束熔炼炉 功率100千瓦", "zh", "2B227.b", P, "2B227.b melt temperature not given"),
    ("质谱仪", "zh", "3A233", P, "3A233 mass range / resolution"),
    ("光纤陀螺 零偏稳定性0.01°/h", "zh", "7A102", C, "7A102"),
    ("冲压喷气发动机", "zh", "9A111.a", C, "9A111.a"),
    ("固体火箭发动机试车台 推力100千牛", "zh", "9B117", C, "9B117.a > 90 kN"),
    ("定向凝固铸造炉", "zh", "9B001.a", C, "9B001.a"),
    ("量子密钥分发设备", "zh", "5A002.f", C, "5A002.f"),
    ("氧化钪", "zh", "1C907.b", C, "1C907.b"),
    ("钇铝合金", "zh", "1C908.a.2.a", C, "1C908.a.2.a"),
    ("镝铁合金", "zh", "1C905.a.2.a", C, "1C905.a.2.a"),
    ("氧化镥 99.99%", "zh", "1C906.b", C, "1C906.b"),
    ("金属钆", "zh", "1C903.a.1", C, "1C903.a.1"),
    ("钐钴磁粉", "zh", "1C902.a.4", C, "1C902.a.4"),
    ("锗酸铋晶体", "zh", "6C001.b", C, "6C001.b"),
    ("碲化镉晶片", "zh", "6C002.b.1", C, "6C002.b.1"),
    ("氮化镓外延片", "zh", "3C001.b", C, "3C001.b"),
    ("四氯化锗", "zh", "3C002.f", C, "3C002.f"),
    ("锑精矿", "zh", "3C003.a", C, "3C003.a"),
    ("三乙基锑 纯度99.9999%", "zh", "3C003.d", C, "3C003.d"),
    ("钼粉", "zh", "1C117.b", C, "1C117.b"),
    ("碳化钨粉", "zh", "1C117.d.3;1C226", C, "1C117.d.3"),
    ("TC4钛合金棒材 直径150mm", "zh", "1C202.b", C, "TC4 = Ti-6Al-4V, capable of >= 900 MPa; 150 mm > 75 mm"),
    ("反无人机干扰设备 干扰距离3公里", "zh", "", N, "0A903.a needs > 5 km"),
    ("无人机发动机 功率10千瓦", "zh", "", N, "9A012.b.1 needs > 16 kW"),
    ("铝合金管 6061-T6 外径120mm", "zh", "", N, "6061-T6 below 460 MPa"),
    ("铪金属", "zh", "1C231", C, "1C231"),
    # --- Japanese, listed items
    ("フッ化カリウム", "ja", "1C350.b", C, "1C350.b"),
    ("ジイソプロピルアミン", "ja", "1C350.h", C, "1C350.h"),
    ("三塩化リン", "ja", "1C450.c.6", C, "1C450.c.6"),
    ("シアン化カリウム", "ja", "1C450.c.21", C, "1C450.c.21"),
    ("亜リン酸トリメチル", "ja", "1C450.c.8", C, "1C450.c.8"),
    ("過塩素酸カリウム", "ja", "1C350.k", C, "1C350.k"),
    ("ヒドラジン", "ja", "1C111.a.1", P, "1C111.a.1 concentration >= 70%"),
    ("炭疽菌 菌株", "ja", "1C351.c.1", C, "1C351.c.1"),
    ("マールブルグウイルス", "ja", "1C351.a.11", C, "1C351.a.11"),
    ("口蹄疫ウイルス", "ja", "1C351.a.37", C, "1C351.a.37"),
    ("サキシトキシン", "ja", "1C450.a.7", C, "1C450.a.7"),
    ("テトロドトキシン", "ja", "1C351.d.7", C, "1C351.d.7"),
    ("ベリリウム粉末", "ja", "1C230", C, "1C230"),
    ("ヘリウム3ガス", "ja", "1C232", C, "1C232"),
    ("トリチウム", "ja", "1C235", C, "1C235"),
    ("フィラメントワインディング装置", "ja", "1B201.a", P, "1B201.a"),
    ("冷間等方圧プレス 最高圧力200MPa 内径300mm", "ja", "2B204.a", C, "2B204.a"),
    ("電子ビーム溶解炉", "ja", "2B227.b", P, "2B227.b"),
    ("質量分析計", "ja", "3A233", P, "3A233"),
    ("光ファイバジャイロ バイアス安定性0.01°/h", "ja", "7A102", C, "7A102"),
    ("ラムジェットエンジン", "ja", "9A111.a", C, "9A111.a"),
    ("量子鍵配送装置", "ja", "5A002.f", C, "5A002.f"),
    ("トリガー式スパークギャップ", "ja", "3A228.b", P, "3A228.b delay and current"),
    ("酸化スカンジウム", "ja", "1C907.b", C, "1C907.b"),
    ("イットリウムアルミニウム合金", "ja", "1C908.a.2.a", C, "1C908.a.2.a"),
    ("ジスプロシウム鉄合金", "ja", "1C905.a.2.a", C, "1C905.a.2.a"),
    ("酸化ルテチウム", "ja", "1C906.b", C, "1C906.b"),
    ("ゲルマニウム酸ビスマス結晶", "ja", "6C001.b", C, "6C001.b"),
    ("テルル化カドミウム基板", "ja", "6C002.b.1", C, "6C002.b.1"),
    ("窒化ガリウムウェハ", "ja", "3C001.b", C, "3C001.b"),
    ("四塩化ゲルマニウム", "ja", "3C002.f", C, "3C002.f"),
    ("アンチモン鉱石", "ja", "3C003.a", C, "3C003.a"),
    ("モリブデン粉末", "ja", "1C117.b", C, "1C117.b"),
    ("炭化タングステン粉末", "ja", "1C117.d.3;1C226", C, "1C117.d.3"),
    ("チタン合金丸棒 Ti-6Al-4V 直径150mm", "ja", "1C202.b", C, "Ti-6Al-4V capable of >= 900 MPa; 150 mm > 75 mm"),
    ("対ドローンレーザー 出力3kW", "ja", "0A903.b", C, "0A903.b > 1.5 kW"),
    ("ドローン用エンジン 出力10kW", "ja", "", N, "9A012.b.1 needs > 16 kW"),
    ("ハフニウム金属", "ja", "1C231", C, "1C231"),
    # --- everyday goods, English
    ("men's cotton polo shirts", "en", "", N, "clothing"),
    ("leather office chair with armrests", "en", "", N, "furniture"),
    ("wooden dining table", "en", "", N, "furniture"),
    ("frozen shrimp, 20 kg carton", "en", "", N, "food"),
    ("black tea, loose leaf", "en", "", N, "food"),
    ("ballpoint pens, blue ink", "en", "", N, "stationery"),
    ("plush teddy bear toys", "en", "", N, "toys"),
    ("stainless steel kitchen knives", "en", "", N, "cutlery"),
    ("steel claw hammer", "en", "", N, "hand tools"),
    ("adjustable wrench set, chrome vanadium steel", "en", "", N, "hand tools"),
    ("plastic storage boxes with lids", "en", "", N, "household plastics"),
    ("ceramic dinner plates", "en", "", N, "tableware"),
    ("glass drinking cups", "en", "", N, "glassware"),
    ("wool knitted scarves", "en", "", N, "clothing accessories"),
    ("running shoes, rubber soles", "en", "", N, "footwear"),
    ("instant noodles", "en", "", N, "food"),
    ("canned tomatoes", "en", "", N, "food"),
    ("bottled mineral water", "en", "", N, "beverages"),
    ("school exercise notebooks", "en", "", N, "stationery"),
    ("LED desk lamp", "en", "", N, "lighting"),
    ("cotton bath towels", "en", "", N, "home textiles"),
    ("folding umbrellas", "en", "", N, "umbrellas"),
    ("disposable wooden chopsticks", "en", "", N, "wooden tableware"),
    ("electric rice cooker, 1.8 L", "en", "", N, "household appliance"),
    ("electric kettle", "en", "", N, "household appliance"),
    ("hair dryer", "en", "", N, "household appliance"),
    ("bicycle helmets", "en", "", N, "sports goods"),
    ("yoga mats", "en", "", N, "sports goods"),
    ("playing cards", "en", "", N, "games"),
    ("jigsaw puzzle, 1000 pieces", "en", "", N, "toys"),
    ("polyester curtains", "en", "", N, "home textiles"),
    ("toothbrushes", "en", "", N, "personal care"),
    ("shampoo, 500 ml bottles", "en", "", N, "personal care"),
    ("graphite pencils HB", "en", "", N, "stationery that shares the word graphite with 1C108"),
    ("lithium-ion power bank, 10000 mAh", "en", "", N, "consumer electronics sharing 'lithium'"),
    ("stainless steel cooking pot", "en", "", N, "cookware"),
    ("household aluminium foil rolls", "en", "", N, "household article sharing 'aluminium'"),
    ("carbon fibre fishing rod", "en", "", N, "sports goods sharing 'carbon fibre'"),
    ("titanium spectacle frames", "en", "", N, "optical frames sharing 'titanium'"),
    ("copper water pipe fittings", "en", "", N, "plumbing fittings"),
    ("steel wire nails", "en", "", N, "hardware"),
    ("brass padlocks", "en", "", N, "hardware"),
    # --- everyday goods, Chinese
    ("男士纯棉短袖衬衫", "zh", "", N, "clothing"),
    ("皮革办公椅", "zh", "", N, "furniture"),
    ("实木书架", "zh", "", N, "furniture"),
    ("冷冻虾仁", "zh", "", N, "food"),
    ("红茶茶叶", "zh", "", N, "food"),
    ("圆珠笔", "zh", "", N, "stationery"),
    ("毛绒玩具熊", "zh", "", N, "toys"),
    ("不锈钢菜刀", "zh", "", N, "cutlery"),
    ("羊角锤", "zh", "", N, "hand tools"),
    ("活动扳手", "zh", "", N, "hand tools"),
    ("塑料收纳箱", "zh", "", N, "household plastics"),
    ("陶瓷碗", "zh", "", N, "tableware"),
    ("玻璃水杯", "zh", "", N, "glassware"),
    ("羊毛围巾", "zh", "", N, "clothing accessories"),
    ("运动鞋", "zh", "", N, "footwear"),
    ("方便面", "zh", "", N, "food"),
    ("番茄罐头", "zh", "", N, "food"),
    ("瓶装矿泉水", "zh", "", N, "beverages"),
    ("学生笔记本", "zh", "", N, "stationery"),
    ("LED台灯", "zh", "", N, "lighting"),
    ("纯棉浴巾", "zh", "", N, "home textiles"),
    ("折叠雨伞", "zh", "", N, "umbrellas"),
    ("一次性木筷", "zh", "", N, "wooden tableware"),
    ("电饭煲", "zh", "", N, "household appliance"),
    ("电热水壶", "zh", "", N, "household appliance"),
    ("吹风机", "zh", "", N, "household appliance"),
    ("瑜伽垫", "zh", "", N, "sports goods"),
    ("扑克牌", "zh", "", N, "games"),
    ("拼图玩具", "zh", "", N, "toys"),
    ("涤纶窗帘", "zh", "", N, "home textiles"),
    ("牙刷", "zh", "", N, "personal care"),
    ("洗发水", "zh", "", N, "personal care"),
    ("HB铅笔", "zh", "", N, "stationery"),
    ("锂电池充电宝 10000毫安时", "zh", "", N, "consumer electronics sharing 锂"),
    ("不锈钢汤锅", "zh", "", N, "cookware"),
    ("家用铝箔纸", "zh", "", N, "household article sharing 铝"),
    ("碳纤维钓鱼竿", "zh", "", N, "sports goods sharing 碳纤维"),
    ("钛合金眼镜架", "zh", "", N, "optical frames sharing 钛合金"),
    ("铜水管接头", "zh", "", N, "plumbing fittings"),
    ("铁钉", "zh", "", N, "hardware"),
    # --- everyday goods, Japanese
    ("綿のポロシャツ", "ja", "", N, "clothing"),
    ("木製本棚", "ja", "", N, "furniture"),
    ("冷凍エビ", "ja", "", N, "food"),
    ("紅茶 ティーバッグ", "ja", "", N, "food"),
    ("ボールペン", "ja", "", N, "stationery"),
    ("ぬいぐるみ", "ja", "", N, "toys"),
    ("ステンレス包丁", "ja", "", N, "cutlery"),
    ("金づち", "ja", "", N, "hand tools"),
    ("モンキーレンチ", "ja", "", N, "hand tools"),
    ("プラスチック収納ケース", "ja", "", N, "household plastics"),
    ("陶器のマグカップ", "ja", "", N, "tableware"),
    ("ガラスのコップ", "ja", "", N, "glassware"),
    ("ウールのマフラー", "ja", "", N, "clothing accessories"),
    ("スニーカー", "ja", "", N, "footwear"),
    ("インスタントラーメン", "ja", "", N, "food"),
    ("トマト缶", "ja", "", N, "food"),
    ("ミネラルウォーター", "ja", "", N, "beverages"),
    ("コピー用紙 A4", "ja", "", N, "stationery"),
    ("大学ノート", "ja", "", N, "stationery"),
    ("LEDデスクライト", "ja", "", N, "lighting"),
    ("綿のバスタオル", "ja", "", N, "home textiles"),
    ("折りたたみ傘", "ja", "", N, "umbrellas"),
    ("割り箸", "ja", "", N, "wooden tableware"),
    ("炊飯器", "ja", "", N, "household appliance"),
    ("電気ケトル", "ja", "", N, "household appliance"),
    ("ヘアドライヤー", "ja", "", N, "household appliance"),
    ("ヨガマット", "ja", "", N, "sports goods"),
    ("トランプ", "ja", "", N, "games"),
    ("ジグソーパズル", "ja", "", N, "toys"),
    ("カーテン", "ja", "", N, "home textiles"),
    ("歯ブラシ", "ja", "", N, "personal care"),
    ("シャンプー", "ja", "", N, "personal care"),
    ("鉛筆 HB", "ja", "", N, "stationery"),
    ("リチウムイオン モバイルバッテリー", "ja", "", N, "consumer electronics sharing lithium"),
    ("アルミホイル", "ja", "", N, "household article sharing aluminium"),
    ("カーボン製の釣り竿", "ja", "", N, "sports goods sharing carbon"),
    ("チタン製メガネフレーム", "ja", "", N, "optical frames sharing titanium"),
    ("ステンレス製フライパン", "ja", "", N, "cookware"),
    ("革の財布", "ja", "", N, "leather goods"),
    ("木製のおもちゃ", "ja", "", N, "toys"),
]

# --------------------------------------------------------------------------- HS codes
# (query, expected codes, expected status, note); the catalogue's reference codes were
# read from the catalogue text, everyday subheadings from HS 2022.
HS_CODES: list[tuple[str, str, str, str]] = [
    ("2812901910", "1C238", C, "reference HS of ClF3 only"),
    ("2919900020", "1C501", C, "TBP"),
    ("2837191000", "1C450.c.21", C, "potassium cyanide"),
    ("2853100000", "1C450.c.2", C, "cyanogen chloride"),
    ("2939801000", "1C450.a.7", C, "saxitoxin"),
    ("2905590020", "1C350.j", C, "2-chloroethanol"),
    ("2829900020", "1C350.k", C, "potassium perchlorate"),
    ("2845900040", "1C232", C, "helium-3"),
    ("3815120010", "1A225", C, "platinized catalysts"),
    ("2846901800", "1C906.b", C, "lutetium oxide"),
    ("2846904600", "1C908.b", C, "yttrium oxide line"),
    ("8110900000", "3C003.b", C, "antimony articles"),
    ("2928000010", "1C111.a.2", C, "UDMH"),
    ("8480719020", "0B901", C, "spacesuit visor moulds"),
    ("8102100001", "1C117.b", C, "molybdenum powder"),
    ("2931590001", "1C450.a", C, "CWC schedule 1 chemicals of one family"),
    ("8540890010", "6A202", P, "photomultiplier tubes: area and rise time"),
    ("9013200030", "6A205.b", P, "argon ion lasers: wavelength and power"),
    ("8514320020", "2B227.b", P, "electron-beam furnaces: power and temperature"),
    ("8458912010", "2B201.a", P, "lathes: positioning accuracy"),
    ("8466940030", "2B209.b", P, "rotor-forming mandrels: inside diameter range"),
    ("7604291010", "1C202.a", P, "aluminium alloy bars: strength and diameter"),
    ("8108901010", "1C202.b", P, "titanium alloy: strength and diameter"),
    ("6815131030", "1C210.b", P, "glass fibre: specific modulus/strength"),
    ("8106101011", "1C228", P, "magnesium: impurity thresholds"),
    ("8543100020", "3A231", P, "neutron generators"),
    ("8501610010", "3A225", P, "frequency changers"),
    ("8419409010", "1B228", P, "hydrogen cryogenic distillation columns"),
    ("9026201040", "6A226.a", P, "shock pressure gauges > 10 GPa"),
    ("8471501010", "4A003.a", P, "digital computers: APP"),
    ("8543709940", "3A233", P, "mass spectrometers"),
    ("2845.90", "1C225;1C233;1C232", P, "other isotopes: listed and unlisted"),
    ("281290", "1C238", P, "other non-metal halides: ClF3 listed, others not"),
    ("2825.60", "3C002.e;1C234", P, "germanium and zirconium oxides"),
    ("30024930", "1C351;1C354", P, "micro-organism cultures: listed pathogens and others"),
    ("848110", "2B350;2A226", P, "pressure-reducing valves: no reference line, but heading 8481 holds the 2B350/2A226 valves"),
    ("940360", "", N, "wooden furniture"),
    ("610510", "", N, "men's cotton shirts"),
    ("030617", "", N, "frozen shrimps"),
    ("090230", "", N, "black tea"),
    ("960810", "", N, "ballpoint pens"),
    ("9503.00", "", N, "toys"),
    ("821191", "", N, "table knives"),
    ("392490", "", N, "household plastic articles"),
    ("691200", "", N, "ceramic tableware (not porcelain)"),
    ("701337", "", N, "drinking glasses"),
    ("640411", "", N, "sports footwear"),
    ("220110", "", N, "mineral water"),
    ("482010", "", N, "notebooks"),
    ("630260", "", N, "towels of cotton"),
    ("851631", "", N, "hair dryers"),
    ("960910", "", N, "pencils"),
    ("732393", "", N, "stainless steel household articles"),
    ("761510", "", N, "aluminium household articles"),
    ("900319", "", N, "spectacle frames of other materials"),
    ("0901.21", "", N, "roasted coffee"),
    ("6404110000", "", N, "sports footwear, a 10-digit line no entry lists"),
    ("9401710000", "", N, "upholstered metal-frame seats, 10 digits"),
]

# codes of other regimes (Wassenaar/EU/US) that China's list does not use
FOREIGN_CODES = ["3A001", "4A001.a", "5A001", "6A001", "7A003", "9A004", "2B001", "0A501", "3A991", "5A992"]


def _code_variant(code: str, rng: random.Random) -> str:
    """One way a document may write ``code``."""
    style = rng.randrange(7)
    if style == 0:
        return code
    if style == 1:
        return code.lower()
    if style == 2:
        return unicodedata.normalize("NFKC", code).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDE"})
    if style == 3:
        return code.replace(".", " ")
    if style == 4:
        return code.replace(".", "．")
    if style == 5:
        return f"管制编码：{code}"
    return code.upper()


def control_code_rows(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """Catalogue codes (in force today) in varied writing, plus foreign codes."""
    import json

    catalogue = Path(__file__).resolve().parents[2] / "src" / "dualuse" / "data" / "catalogue.jsonl"
    entries = [json.loads(line) for line in catalogue.read_text(encoding="utf-8").splitlines() if line.strip()]
    codes = sorted(e["code"] for e in entries if e.get("in_catalogue", True) and e["direction"] == "export")
    chosen = rng.sample(codes, 36)
    rows = []
    for code in chosen:
        parent = rng.random() < 0.2 and "." in code
        wanted = code.split(".")[0] if parent else code
        rows.append((_code_variant(wanted, rng), wanted, C, "catalogue code" + (" (5-character entry)" if parent else "")))
    for code in FOREIGN_CODES:
        rows.append((code, "", N, "code of another regime; China's list has no such entry"))
    return rows


def main() -> None:
    rng = random.Random(20261207)
    out = HERE / "items_wide.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "query", "query_kind", "language", "expected_codes", "expected_status", "note"])
        n = 0
        for query, code, status, note in control_code_rows(rng):
            n += 1
            writer.writerow([f"IW-{n:03d}", query, "control_code", "-", code, status, note])
        for query, code, status, note in HS_CODES:
            n += 1
            writer.writerow([f"IW-{n:03d}", query, "hs_code", "-", code, status, note])
        for query, lang, code, status, note in DESCRIPTIONS:
            n += 1
            writer.writerow([f"IW-{n:03d}", query, "description", lang, code, status, note])
    print(f"{out}: {n} rows")


if __name__ == "__main__":
    main()
