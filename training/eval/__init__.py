"""Evaluations of the task models on the held-out renders (eval_shadow.py, eval_relight.py); the
shared parts are in common.py. Run the scripts directly: /usr/bin/python3 training/eval/eval_shadow.py"""
