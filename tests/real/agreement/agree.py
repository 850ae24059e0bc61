#!/usr/bin/env python3
"""Agreement between the first readers' labels (tests/real) and a second blind reading (reading.jsonl).
Alignment: caseless-equal names, then the hand pairs in align_spec.py (one-to-one)."""
import json, collections
from align_spec import PAIRS, ADJPAIRS, ADJKIND, ADJ_EQUIV, CAUSE
import os, subprocess, tempfile
H=os.path.dirname(os.path.abspath(__file__))+'/'      # tests/real/agreement/
R=os.path.dirname(os.path.dirname(H))+'/'              # tests/real/
OUT=os.environ.get('AGREE_OUT', tempfile.gettempdir())+'/'  # figures.json
mine=[json.loads(l) for l in open(H+'reading.jsonl')]
lang={}
for s in ['en-a','en-b','zh','eu']:
    for l in open(R+s+'/postings.jsonl'):
        d=json.loads(l); lang[d['id']]=d.get('lang')
first={}; adj=collections.defaultdict(list)
for s in ['en-a','en-b','zh','eu']:
    for l in open(R+s+'/labels.jsonl'):
        d=json.loads(l); first[d['id']]=d
    for l in open(R+s+'/adjudication.jsonl'):
        d=json.loads(l); adj[d['id']].append(d)
# the first readers' vocabulary: the canonical names of taxonomy/skills.tsv at dd90ccf
vocab={l.split('\t')[0].casefold() for l in subprocess.run(['git','-C',H,'show','dd90ccf:taxonomy/skills.tsv'],capture_output=True,text=True,check=True).stdout.splitlines() if l and not l.startswith('#')}
TECH={'tool','concept'}

def align(F, M, pairs):
    """F, M: lists of skill dicts. returns list of (fi, mi) index pairs"""
    used_f=set(); used_m=set(); out=[]
    mi_by={s['name'].casefold():i for i,s in enumerate(M)}
    for i,s in enumerate(F):
        j=mi_by.get(s['name'].casefold())
        if j is not None and j not in used_m: out.append((i,j)); used_f.add(i); used_m.add(j)
    fi_by={s['name'].casefold():i for i,s in enumerate(F)}
    for a,b in pairs:
        i=fi_by.get(a.casefold()); j=mi_by.get(b.casefold())
        if i is None or j is None: continue
        if i in used_f or j in used_m: continue
        out.append((i,j)); used_f.add(i); used_m.add(j)
    return out

def adjudicated(pid):
    F=[dict(s) for s in first[pid]['skills']]
    names={s['name'].casefold() for s in F}
    wrong={v['skill'].casefold() for v in adj[pid] if v['verdict']=='label_wrong'}
    F=[s for s in F if s['name'].casefold() not in wrong]
    for v in adj[pid]:
        if v['verdict']=='skidx_right' and v['skill'].casefold() not in names:
            F.append({'name':v['skill'],'kind':ADJKIND[v['skill']],'adjudicated':True}); names.add(v['skill'].casefold())
    return F

def group_of(pid): return {'en':'en','zh':'zh'}.get(lang[pid],'de/fr/es')

KINDS=['tool','concept','technical','soft','education','all']
def inkind(s,k):
    if k=='all': return True
    if k=='technical': return s['kind'] in TECH
    return s['kind']==k

class Tally:
    def __init__(s): s.c=collections.Counter()
    def add(s,F,M,pr,filt=lambda x:True):
        mf={i for i,_ in pr}; mm={j for _,j in pr}
        for k in KINDS:
            for i,x in enumerate(F):
                if inkind(x,k) and filt(x): s.c[('F',k,'n')]+=1; s.c[('F',k,'m')]+= i in mf
            for j,x in enumerate(M):
                if inkind(x,k) and filt(x): s.c[('M',k,'n')]+=1; s.c[('M',k,'m')]+= j in mm
    def row(s,side,k):
        n=s.c[(side,k,'n')]; return (s.c[(side,k,'m')]/n if n else float('nan')), n

T=collections.defaultdict(Tally)
causes=collections.Counter(); causes_side=collections.Counter(); examples=collections.defaultdict(list); missing=[]
alignf=open(H+'alignment.jsonl','w')
for r in mine:
    pid=r['id']; M=r['skills']; F=first[pid]['skills']
    pr=align(F,M,PAIRS.get(pid,[]))
    FA=adjudicated(pid)
    pa=align(FA,M,PAIRS.get(pid,[])+ADJPAIRS.get(pid,[])+[(a,b) for a,b in ADJ_EQUIV])
    g=group_of(pid)
    for key in ['all',g]+([pid[:4]] if g=='en' else [])+(['all excl. zh-0061'] if pid!='zh-0061' else []):
        T[('raw',key)].add(F,M,pr); T[('adj',key)].add(FA,M,pa)
        # variants of the counting rule (raw labels)
        T[('raw-nopref',key)].add(F,M,pr,lambda x: not x.get('pref'))
        T[('raw-vocab',key)].add(F,M,pr,lambda x: x['name'].casefold() in vocab)
        T[('adj-vocab',key)].add(FA,M,pa,lambda x: x['name'].casefold() in vocab)
    mf={i for i,_ in pr}; mm={j for _,j in pr}
    rec={'id':pid,'lang':lang[pid],
         'pairs':[{'first':F[i]['name'],'first_kind':F[i]['kind'],'mine':M[j]['name'],'mine_kind':M[j]['kind'],
                   'how':'same name' if F[i]['name'].casefold()==M[j]['name'].casefold() else 'synonym'} for i,j in pr],
         'first_only':[], 'mine_only':[]}
    for side,L,mset,key in (('F',F,mf,'first_only'),('M',M,mm,'mine_only')):
        for i,x in enumerate(L):
            if i in mset: continue
            e={'name':x['name'],'kind':x['kind']}
            if x.get('pref'): e['pref']=True
            if x['kind'] in TECH:
                c=CAUSE.get((pid,side,x['name']))
                if c is None: missing.append((pid,side,x['name']))
                else:
                    e['cause']=c; causes[c]+=1; causes_side[(c,side)]+=1
                    if len(examples[c])<8: examples[c].append(f"{pid} {'first' if side=='F' else 'second'} only: {x['name']}")
            rec[key].append(e)
    fa_m={i for i,_ in pa}
    rec['adjudicated_additions']=[{'name':x['name'],'kind':x['kind'],'matched_by_second':i in fa_m} for i,x in enumerate(FA) if x.get('adjudicated')]
    alignf.write(json.dumps(rec,ensure_ascii=False)+'\n')
alignf.close()
if missing: print('NO CAUSE:',missing)

def table(mode, keys):
    print(f"\n[{mode}]  each cell: recall of FIRST reader's items by SECOND reading / of SECOND's items by FIRST  [n first/n second]")
    print(f"{'group':18s}"+''.join(f"{k:>24s}" for k in KINDS))
    for key in keys:
        t=T[(mode,key)]
        a=''.join(f"{t.row('F',k)[0]:.3f}/{t.row('M',k)[0]:.3f} [{t.row('F',k)[1]}/{t.row('M',k)[1]}]".rjust(24) for k in KINDS)
        print(f"{key:18s}"+a)
keys=['all','en','en-a','en-b','zh','de/fr/es','all excl. zh-0061']
for mode in ['raw','adj','raw-nopref','raw-vocab','adj-vocab']: table(mode,keys)
print("\nCauses of technical items in one reading only (raw):")
tot=sum(causes.values())
for c,n in causes.most_common():
    print(f"  {n:4d} ({n/tot:.0%})  first-only {causes_side[(c,'F')]:3d}  second-only {causes_side[(c,'M')]:3d}  {c}")
    for e in examples[c][:4]: print('        ',e)
print('total',tot)
json.dump({f"{m}|{k}":{kk:T[(m,k)].row('F',kk)+T[(m,k)].row('M',kk) for kk in KINDS} for (m,k) in T},open(OUT+'figures.json','w'),indent=1)

# bootstrap over postings: technical recall of first by second (raw and adj)
import random
random.seed(1)
per={}
for line in open(H+'alignment.jsonl'):
    d=json.loads(line)
    nf=sum(1 for p in d['pairs'] if p['first_kind'] in TECH)+sum(1 for x in d['first_only'] if x['kind'] in TECH)
    mf=sum(1 for p in d['pairs'] if p['first_kind'] in TECH)
    nm=sum(1 for p in d['pairs'] if p['mine_kind'] in TECH)+sum(1 for x in d['mine_only'] if x['kind'] in TECH)
    mm=sum(1 for p in d['pairs'] if p['mine_kind'] in TECH)
    per[d['id']]=(mf,nf,mm,nm)
ids=list(per)
for label,sel in (('all',ids),('excl. zh-0061',[i for i in ids if i!='zh-0061'])):
    bs=[];bs2=[]
    for _ in range(5000):
        smp=[random.choice(sel) for _ in sel]
        a=sum(per[i][0] for i in smp); b=sum(per[i][1] for i in smp); bs.append(a/b)
        a=sum(per[i][2] for i in smp); b=sum(per[i][3] for i in smp); bs2.append(a/b)
    bs.sort(); bs2.sort()
    print(f"bootstrap 95% CI (postings resampled, raw, technical) {label}: first-by-second {bs[125]:.3f}-{bs[4874]:.3f}; second-by-first {bs2[125]:.3f}-{bs2[4874]:.3f}")
    mac=[per[i][0]/per[i][1] for i in sel if per[i][1]]
    print(f"  macro mean over postings with technical labels (first-by-second): {sum(mac)/len(mac):.3f} (n={len(mac)}); min {min(mac):.2f}")
cz=collections.Counter()
for (pid,side,name),c in CAUSE.items():
    if pid!='zh-0061': cz[c]+=1
print('causes excl. zh-0061:',dict(cz.most_common()), sum(cz.values()))
