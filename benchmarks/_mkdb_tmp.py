import sys
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from benchmarks.dashboard import build_region
from skillbridge.models import Base
from skillbridge.platform.services import audit
url = sys.argv[1]
if url.startswith("postgresql"):
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text('DROP DATABASE IF EXISTS "bench_region_profile" WITH (FORCE)'))
        c.execute(text('CREATE DATABASE "bench_region_profile"'))
e = create_engine(url)
Base.metadata.create_all(e)
with Session(e) as s:
    audit.ensure_chain_head(s); build_region(s, 100000, 1); s.commit()
print("built")
