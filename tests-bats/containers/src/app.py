print('app source')
