import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("authz_matrix_mod", Path(__file__).parent / "test_authz_matrix.py")
m = importlib.util.module_from_spec(spec); sys.modules["authz_matrix_mod"] = m; spec.loader.exec_module(m)
world = m.world

def test_eval_cells(world):
    eps = {e for e in m.ALLOWED if e.startswith("evaluations.")}
    report = m.run_matrix(world, eps)
    print(report.cells, dict(report.statuses))
    assert report.unauthorised == [], "\n".join(map(str, report.unauthorised))
    assert report.allowed_failing == [], "\n".join(map(str, report.allowed_failing))
    assert report.refused_wrongly == [], "\n".join(map(str, report.refused_wrongly))
